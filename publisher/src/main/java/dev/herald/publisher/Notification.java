package dev.herald.publisher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.catalog.Timing;
import dev.herald.json.Json;

/** One domain event to publish: its detail-type (a catalog type id, e.g. {@code booking.created}) and detail. */
public record Notification(String detailType, JsonNode detail) {

    /** The field of the detail that carries an idempotency key: what every catalog type reads unless it names another. */
    public static final String IDEMPOTENCY_KEY_FIELD = Timing.DEFAULT_IDEMPOTENCY_PATH.substring("detail.".length());

    /** The detail may be any value Jackson can turn into a JSON object: a record, a map, a JsonNode. */
    public static Notification of(String detailType, Object detail) {
        return new Notification(detailType, detail instanceof JsonNode node ? node : Json.tree(detail));
    }

    /**
     * The same notification with an idempotency key: Herald notifies once for all events of the type with this key
     * within the type's window (24 hours unless the catalog says otherwise), whatever their event ids. Use the domain's
     * own identity, e.g. the booking id, so that a publish retried after a timeout, or the same event published by two
     * instances, notifies once.
     */
    public Notification withIdempotencyKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("an idempotency key must not be blank");
        }
        if (!detail.isObject()) {
            throw new IllegalArgumentException("an idempotency key goes into the detail, which must be a JSON object; got " + detail.getNodeType());
        }
        ObjectNode keyed = ((ObjectNode) detail).deepCopy();
        keyed.put(IDEMPOTENCY_KEY_FIELD, key);
        return new Notification(detailType, keyed);
    }
}
