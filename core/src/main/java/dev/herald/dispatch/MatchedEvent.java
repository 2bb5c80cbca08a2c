package dev.herald.dispatch;

import dev.herald.event.EventEnvelope;

/**
 * An event as a catalog rule delivers it to enrichment: the rule's target input wraps the event with the id of the
 * type whose pattern matched, so enrichment never has to match again. A type's {@code cancelOn} rule adds
 * {@code "action": "cancel"}: the event withdraws the type's waiting notifications rather than sending one.
 */
public record MatchedEvent(String type, EventEnvelope event, String action) {

    /** The action of an event that matched a type's {@code cancelOn}. */
    public static final String CANCEL = "cancel";

    /** An event that matched a type's own pattern. */
    public MatchedEvent(String type, EventEnvelope event) {
        this(type, event, null);
    }

    public boolean isCancel() {
        return CANCEL.equals(action);
    }
}
