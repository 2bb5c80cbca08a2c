package dev.herald.local.bus;

/**
 * An asynchronous invocation whose payload is over Lambda's limit: Lambda's Invoke answers it with
 * {@code RequestTooLargeException} (413), and it never runs. Retrying cannot help.
 */
public final class PayloadTooLargeException extends RuntimeException {

    public PayloadTooLargeException(String message) {
        super(message);
    }
}
