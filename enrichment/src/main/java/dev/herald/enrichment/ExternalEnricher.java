package dev.herald.enrichment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.EnricherSpec;
import dev.herald.event.EventEnvelope;

/** Fetches extra template data for an event from an external API. */
public interface ExternalEnricher {

    /**
     * The enricher's JSON for this event.
     *
     * @throws EnrichmentUnavailableException when the API could not answer in time or at all (transient)
     */
    JsonNode fetch(EnricherSpec spec, EventEnvelope event);

    /** For types without enrichers. */
    ExternalEnricher NONE = (spec, event) -> {
        throw new IllegalStateException("no external enricher configured for '" + spec.name() + "'");
    };
}
