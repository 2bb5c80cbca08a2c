package dev.herald.catalog;

/** Sender identity of a type's emails. */
public record EmailSettings(String from, String replyTo) {
}
