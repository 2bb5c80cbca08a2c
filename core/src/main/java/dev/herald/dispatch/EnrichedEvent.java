package dev.herald.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventEnvelope;
import java.util.List;

/**
 * What enrichment hands to the processor: the event, the catalog type it matched, its resolved recipients and the
 * data the templates render with (the event's detail plus whatever the type's enrichers added). A rejected event
 * carries a reason instead of recipients.
 */
public record EnrichedEvent(String typeId, EventEnvelope event, JsonNode data, List<ResolvedRecipient> recipients, String rejection) {

    public EnrichedEvent {
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }

    public static EnrichedEvent of(String typeId, EventEnvelope event, JsonNode data, List<ResolvedRecipient> recipients) {
        return new EnrichedEvent(typeId, event, data, recipients, null);
    }

    /**
     * An event that can never be delivered as it is (e.g. its recipient field is missing). The processor records it
     * as FAILED with this reason, so the event still ends in a recorded state, and nothing is retried.
     */
    public static EnrichedEvent rejected(String typeId, EventEnvelope event, String reason) {
        return new EnrichedEvent(typeId, event, null, List.of(), reason);
    }

    public boolean isRejected() {
        return rejection != null;
    }
}
