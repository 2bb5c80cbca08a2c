package dev.herald.publisher;

/** A notification that could not be published, after every retry. */
public final class PublishException extends RuntimeException {
    public PublishException(String message) {
        super(message);
    }
}
