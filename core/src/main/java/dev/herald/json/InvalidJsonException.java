package dev.herald.json;

/** JSON that cannot be read: bad syntax or a value of the wrong shape. Permanent: retrying cannot fix it. */
public final class InvalidJsonException extends RuntimeException {
    public InvalidJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
