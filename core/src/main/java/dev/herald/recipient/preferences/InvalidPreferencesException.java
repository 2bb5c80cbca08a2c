package dev.herald.recipient.preferences;

/** A preferences change that cannot be applied as sent; the message says what was wrong and what to send instead (HTTP 400). */
public final class InvalidPreferencesException extends RuntimeException {

    public InvalidPreferencesException(String message) {
        super(message);
    }
}
