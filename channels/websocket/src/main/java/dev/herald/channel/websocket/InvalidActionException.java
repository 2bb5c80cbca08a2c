package dev.herald.channel.websocket;

/** A client message Herald cannot act on; the message is sent back to the client as is, with its {@code ref}. */
public final class InvalidActionException extends RuntimeException {

    private final transient String ref;

    public InvalidActionException(String message, String ref) {
        super(message);
        this.ref = ref;
    }

    /** The {@code ref} of the refused message, or null when it had none (or could not be read). */
    public String ref() {
        return ref;
    }
}
