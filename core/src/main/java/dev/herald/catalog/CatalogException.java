package dev.herald.catalog;

/** A catalog that cannot be loaded. The message names the file, the entry and what is wrong. */
public final class CatalogException extends RuntimeException {
    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
