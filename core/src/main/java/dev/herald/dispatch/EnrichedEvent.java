package dev.herald.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventEnvelope;
import java.util.List;

/**
 * What enrichment hands to the processor, one queue message per unit of recipients: the event, the catalog type it
 * matched, resolved recipients and the data the templates render with (the event's detail plus whatever the type's
 * enrichers added). A rejected event carries a reason instead of recipients.
 *
 * @param digest whether this is a digest's own notification (its events collected), which is routed as it is and never
 *               digested again
 */
public record EnrichedEvent(String typeId, EventEnvelope event, JsonNode data, List<ResolvedRecipient> recipients, String rejection,
                            boolean fanOut, boolean digest) {

    public EnrichedEvent {
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }

    public EnrichedEvent(String typeId, EventEnvelope event, JsonNode data, List<ResolvedRecipient> recipients, String rejection,
                         boolean fanOut) {
        this(typeId, event, data, recipients, rejection, fanOut, false);
    }

    /** A digest's notification: the collected events' data, for the recipient whose digest it is. */
    public static EnrichedEvent digestOf(String typeId, EventEnvelope event, JsonNode data, ResolvedRecipient recipient) {
        return new EnrichedEvent(typeId, event, data, List.of(recipient), null, false, true);
    }

    /** Not part of a topic's fan-out. */
    public EnrichedEvent(String typeId, EventEnvelope event, JsonNode data, List<ResolvedRecipient> recipients, String rejection) {
        this(typeId, event, data, recipients, rejection, false);
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

    /** The same event and data for some of its recipients: one unit of work for the processor. */
    public EnrichedEvent withRecipients(List<ResolvedRecipient> some) {
        return new EnrichedEvent(typeId, event, data, some, rejection, fanOut, digest);
    }

    /** A unit of a topic's fan-out, whose progress the processor counts. */
    public EnrichedEvent asFanOut() {
        return new EnrichedEvent(typeId, event, data, recipients, rejection, true, digest);
    }

    public boolean isRejected() {
        return rejection != null;
    }
}
