package dev.herald.event;

/** An event that can never be processed as it is. Permanent: Herald records it and does not retry. */
public final class InvalidEventException extends RuntimeException {
    public InvalidEventException(String message) {
        super(message);
    }
}
