package dev.herald.channel.websocket.auth;

/** A token that does not authenticate anyone: missing, malformed, forged, expired, or meant for someone else. */
public final class InvalidTokenException extends RuntimeException {

    public InvalidTokenException(String message) {
        super(message);
    }

    public InvalidTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
