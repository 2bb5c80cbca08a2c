package dev.herald.local.bus;

/** The invoker's queue is full: the caller sees what Lambda's Invoke answers when throttled, and retries later. */
public final class RejectedInvocationException extends RuntimeException {

    public RejectedInvocationException(String message) {
        super(message);
    }
}
