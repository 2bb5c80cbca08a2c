package dev.herald.publisher;

/** A notification that Herald would reject; thrown before anything is sent. */
public final class InvalidNotificationException extends IllegalArgumentException {
    public InvalidNotificationException(String message) {
        super(message);
    }
}
