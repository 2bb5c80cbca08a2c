package dev.herald.recipient.preferences;

/**
 * A preferences change that names a critical category, which always reaches the recipient and cannot be turned off
 * (HTTP 409).
 */
public final class LockedCategoryException extends RuntimeException {

    private final String category;

    public LockedCategoryException(String category) {
        super("category '" + category + "' is critical and locked: its notifications always reach you on every channel it uses; "
                + "leave it out of the change");
        this.category = category;
    }

    public String category() {
        return category;
    }
}
