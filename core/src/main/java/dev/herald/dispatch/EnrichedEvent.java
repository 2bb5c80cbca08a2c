package dev.herald.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventEnvelope;
import java.util.List;

/**
 * What enrichment hands to the processor: the event, the catalog type it matched, its resolved recipients and the
 * data the templates render with (the event's detail plus whatever the type's enrichers added).
 */
public record EnrichedEvent(String typeId, EventEnvelope event, JsonNode data, List<ResolvedRecipient> recipients) {

    public EnrichedEvent {
        recipients = List.copyOf(recipients);
    }
}
