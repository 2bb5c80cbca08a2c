package dev.herald.dispatch;

import dev.herald.event.EventEnvelope;

/**
 * An event as a catalog rule delivers it to enrichment: the rule's target input wraps the event with the id of the
 * type whose pattern matched, so enrichment never has to match again.
 */
public record MatchedEvent(String type, EventEnvelope event) {
}
