package dev.herald.publisher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;

/** One domain event to publish: its detail-type (a catalog type id, e.g. {@code booking.created}) and detail. */
public record Notification(String detailType, JsonNode detail) {

    /** The detail may be any value Jackson can turn into a JSON object: a record, a map, a JsonNode. */
    public static Notification of(String detailType, Object detail) {
        return new Notification(detailType, detail instanceof JsonNode node ? node : Json.tree(detail));
    }
}
