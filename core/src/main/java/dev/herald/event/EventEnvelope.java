package dev.herald.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * An EventBridge event as rules and targets see it. Field names follow EventBridge exactly, so the same JSON comes
 * out of a real bus, the local bus and a test file.
 */
public record EventEnvelope(
        String version,
        String id,
        String source,
        @JsonProperty("detail-type") String detailType,
        String account,
        Instant time,
        String region,
        List<String> resources,
        JsonNode detail) {

    /** Herald's own events use this source; catalog rules exclude it so that Herald can never trigger itself. */
    public static final String HERALD_SOURCE = "herald";

    /** EventBridge's limit for one entry; larger events are refused. */
    public static final int MAX_SIZE_BYTES = 256 * 1024;

    public EventEnvelope {
        version = version == null ? "0" : version;
        resources = resources == null ? List.of() : List.copyOf(resources);
        detail = detail == null ? Json.object() : detail;
    }

    /** A new event as the bus would stamp it: fresh id, current time. */
    public static EventEnvelope create(String source, String detailType, JsonNode detail) {
        return new EventEnvelope("0", UUID.randomUUID().toString(), source, detailType, "000000000000",
                Instant.now().truncatedTo(ChronoUnit.MILLIS), "us-east-1", List.of(), detail);
    }

    /** Checks what every handler relies on; throws {@link InvalidEventException} naming the first problem. */
    public EventEnvelope validate() {
        require(id, "id");
        require(source, "source");
        require(detailType, "detail-type");
        if (time == null) {
            throw new InvalidEventException("event " + id + " has no time");
        }
        if (!detail.isObject()) {
            throw new InvalidEventException("event " + id + ": detail must be a JSON object, got " + detail.getNodeType());
        }
        return this;
    }

    private void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException("event " + (id == null ? "(no id)" : id) + " has no " + field);
        }
    }
}
