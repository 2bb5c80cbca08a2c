package dev.herald.local.bus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventEnvelope;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import dev.herald.local.aws.EventBridgeApi;
import dev.herald.local.aws.EventBusIntake;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns one PutEvents entry into an event on the bus, with EventBridge's checks and error codes, so PutEvents and
 * {@code POST /events} accept and refuse exactly the same entries.
 */
public final class EventIntake implements EventBusIntake {

    /** EventBridge's limits: entries per request, and the total size herald local accepts per request. */
    public static final int MAX_ENTRIES = EventBridgeApi.MAX_ENTRIES;
    public static final int MAX_REQUEST_BYTES = EventBridgeApi.MAX_REQUEST_BYTES;

    /** One entry's outcome: an event id, or EventBridge's error code and message. {@code matched}: the rules it matched. */
    public record Outcome(String eventId, List<String> matched, String errorCode, String errorMessage, String warning) {

        static Outcome failed(String code, String message) {
            return new Outcome(null, List.of(), code, message, null);
        }

        public boolean ok() {
            return eventId != null;
        }
    }

    /** How an entry arrived. PutEvents entries carry only PutEvents' member names; Herald's ingest also takes the envelope's. */
    public enum Via {
        PUT_EVENTS("PutEvents"),
        INGEST("POST /events");

        private final String label;

        Via(String label) {
            this.label = label;
        }
    }

    /** EventBridge's lengths: a detail-type of at most 128 characters, a source of at most 256. */
    static final int MAX_DETAIL_TYPE = 128;
    static final int MAX_SOURCE = 256;

    private final LocalBus bus;
    private final Clock clock;

    public EventIntake(LocalBus bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
    }

    /**
     * Publishes one entry ({@code Source}, {@code DetailType}, {@code Detail} as JSON text, optional {@code Time},
     * {@code Resources}. Through Herald's ingest ({@link Via#INGEST}), {@code Detail} may also be an object, and the envelope's own names {@code source},
     * {@code detail-type}, {@code detail} are accepted too).
     */
    @Override
    public Result put(JsonNode entry, int index) {
        Outcome outcome = publish(entry, index, Via.PUT_EVENTS);
        return outcome.ok() ? Result.accepted(outcome.eventId()) : Result.failed(outcome.errorCode(), outcome.errorMessage());
    }

    public Outcome publish(JsonNode entry, int index, Via via) {
        if (entry == null || !entry.isObject()) {
            return Outcome.failed("InvalidArgument", "entry " + index + " is not an object with Source, DetailType and Detail");
        }
        boolean envelopeNames = via == Via.INGEST;
        String source = text(entry, "Source", envelopeNames ? "source" : null);
        String detailType = text(entry, "DetailType", envelopeNames ? "detail-type" : null);
        if (source == null || source.isBlank()) {
            return Outcome.failed("InvalidArgument", "entry " + index + ": Parameter Source is not valid. Reason: Source is a required argument.");
        }
        if (detailType == null || detailType.isBlank()) {
            return Outcome.failed("InvalidArgument", "entry " + index + ": Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }
        if (detailType.length() > MAX_DETAIL_TYPE) {
            return Outcome.failed("InvalidArgument", "entry " + index + ": Parameter DetailType is not valid. Reason: DetailType is longer than "
                    + MAX_DETAIL_TYPE + " characters.");
        }
        if (source.length() > MAX_SOURCE) {
            return Outcome.failed("InvalidArgument", "entry " + index + ": Parameter Source is not valid. Reason: Source is longer than "
                    + MAX_SOURCE + " characters.");
        }
        JsonNode detailField = entry.has("Detail") || !envelopeNames ? entry.get("Detail") : entry.get("detail");
        if (detailField == null || detailField.isNull()) {
            return Outcome.failed("InvalidArgument", "entry " + index + ": Parameter Detail is not valid. Reason: Detail is a required argument.");
        }
        JsonNode detail;
        if (detailField.isTextual()) {
            try {
                detail = Json.parse(detailField.asText());
            } catch (InvalidJsonException e) {
                return Outcome.failed("MalformedDetail", "entry " + index + ": Detail is malformed: " + e.getMessage());
            }
        } else {
            detail = detailField;
        }
        if (detail == null || !detail.isObject()) {
            return Outcome.failed("MalformedDetail", "entry " + index + ": Detail is malformed: it must be a JSON object, got "
                    + (detail == null ? "nothing" : detail.getNodeType().toString().toLowerCase()));
        }
        int size = source.getBytes(StandardCharsets.UTF_8).length + detailType.getBytes(StandardCharsets.UTF_8).length
                + Json.writeBytes(detail).length;
        if (size > EventEnvelope.MAX_SIZE_BYTES) {
            return Outcome.failed("InvalidArgument", "entry " + index + " is " + size + " bytes; EventBridge accepts at most "
                    + EventEnvelope.MAX_SIZE_BYTES + " bytes per entry (256 KB). Send a reference to large data instead");
        }
        Instant time;
        try {
            time = time(entry.path("Time"));
        } catch (DateTimeParseException | ArithmeticException e) {
            return Outcome.failed("InvalidArgument", "entry " + index + ": Parameter Time is not valid: " + entry.path("Time").asText()
                    + "; use an ISO-8601 timestamp or epoch seconds");
        }
        List<String> resources = new ArrayList<>();
        entry.path("Resources").forEach(r -> resources.add(r.asText()));
        EventEnvelope event = new EventEnvelope("0", UUID.randomUUID().toString(), source, detailType, "000000000000", time,
                "us-east-1", resources, detail);
        List<String> matched;
        try {
            matched = bus.put(event, via.label);
        } catch (RejectedInvocationException e) {
            return Outcome.failed("ThrottlingException", e.getMessage());
        }
        return new Outcome(event.id(), matched, null, null,
                matched.isEmpty() ? "no rule matched detail-type '" + detailType + "' from source '" + source
                        + "'; the event was accepted and dropped, as EventBridge does" : null);
    }

    private Instant time(JsonNode time) {
        if (time.isMissingNode() || time.isNull()) {
            return clock.instant().truncatedTo(ChronoUnit.MILLIS);
        }
        if (time.isNumber()) {
            BigDecimal seconds = time.decimalValue();
            return Instant.ofEpochMilli(seconds.movePointRight(3).setScale(0, java.math.RoundingMode.DOWN).longValue());
        }
        return Instant.parse(time.asText());
    }

    private static String text(JsonNode entry, String name, String alias) {
        JsonNode value = entry.has(name) || alias == null ? entry.get(name) : entry.get(alias);
        return value == null || value.isNull() ? null : value.asText();
    }
}
