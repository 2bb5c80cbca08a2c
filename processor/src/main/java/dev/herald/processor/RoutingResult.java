package dev.herald.processor;

/** What the processor did with one enriched event. */
public record RoutingResult(String eventId, String typeId, int dispatched, int skipped, int duplicates, String rejection) {
}
