package dev.herald.channel.websocket;

/** A client message Herald cannot act on; the message is sent back to the client as is. */
public final class InvalidActionException extends RuntimeException {

    public InvalidActionException(String message) {
        super(message);
    }
}
