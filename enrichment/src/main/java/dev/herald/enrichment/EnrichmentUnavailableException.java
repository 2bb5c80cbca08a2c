package dev.herald.enrichment;

/** A required enricher could not answer. Transient: the event is retried, and lands in the DLQ if it keeps failing. */
public final class EnrichmentUnavailableException extends RuntimeException {
    public EnrichmentUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
