package dev.herald.catalog;

/** A notification type id that the catalog does not define. */
public final class UnknownTypeException extends RuntimeException {
    public UnknownTypeException(String typeId, Catalog catalog) {
        super("unknown notification type '" + typeId + "'; " + catalog.source() + " defines " + String.join(", ", catalog.typeIds()));
    }
}
