package dev.herald.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * When a type's notifications go out, as its catalog entry declares: which events count as the same one
 * ({@code idempotencyKey}), how long they wait ({@code delay}, {@code sendAt}) and what withdraws them
 * ({@code cancelOn}), whether they are collected into digests ({@code digest}), what quiet hours do to them
 * ({@code quietHours}), and which channels wait for the in-app item to be read ({@code escalations}).
 */
public record Timing(IdempotencyKey idempotencyKey, Duration delay, SendAt sendAt, CancelOn cancelOn, Digest digest,
                     QuietHoursPolicy quietHours, Map<Channel, Escalation> escalations) {

    /** The path the publisher library writes an idempotency key to, honoured for every type that names no other. */
    public static final String DEFAULT_IDEMPOTENCY_PATH = "detail.idempotencyKey";
    public static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofHours(24);

    /** Nothing waits; a key at {@link #DEFAULT_IDEMPOTENCY_PATH} still dedupes. */
    public static final Timing IMMEDIATE = new Timing(IdempotencyKey.DEFAULT, null, null, null, null, QuietHoursPolicy.INBOX_ONLY, Map.of());

    public Timing {
        idempotencyKey = idempotencyKey == null ? IdempotencyKey.DEFAULT : idempotencyKey;
        quietHours = quietHours == null ? QuietHoursPolicy.INBOX_ONLY : quietHours;
        escalations = escalations == null ? Map.of() : Map.copyOf(escalations);
    }

    /** Events of a type with equal values at {@code path} within {@code window} are one notification. */
    public record IdempotencyKey(JsonPath path, Duration window) {
        public static final IdempotencyKey DEFAULT = new IdempotencyKey(JsonPath.parse(DEFAULT_IDEMPOTENCY_PATH), DEFAULT_IDEMPOTENCY_WINDOW);

        /** The event's key: a non-blank string or number at the path, or empty when the event carries none. */
        public Optional<String> of(JsonNode event) {
            JsonNode value = path.read(event);
            return value.isTextual() && !value.asText().isBlank() || value.isNumber() ? Optional.of(value.asText()) : Optional.empty();
        }
    }

    /**
     * The time at {@code path} in the event (an ISO-8601 instant, or a date, read as its start in UTC), less
     * {@code before}: e.g. a reminder a day before {@code detail.checkIn}.
     */
    public record SendAt(JsonPath path, Duration before) {
        public SendAt {
            before = before == null ? Duration.ZERO : before;
        }
    }

    /** An event of {@code detailType} whose value at {@code match} equals the waiting event's withdraws it. */
    public record CancelOn(String detailType, JsonPath match) {
    }

    /**
     * Events of the type for one recipient (and one value at {@code key}, when given) within {@code window} go out as
     * one notification; {@code max} events send it early.
     */
    public record Digest(Duration window, JsonPath key, int max) {
        public static final int DEFAULT_MAX = 50;
        /** The most one digest may hold: its events travel in one queue message. */
        public static final int MAX_LIMIT = 100;

        /** The digest key of an event: the value at {@code key}, or {@code "-"} when the type has none. */
        public String keyOf(JsonNode event) {
            if (key == null) {
                return "-";
            }
            JsonNode value = key.read(event);
            return value.isMissingNode() || value.isNull() || value.asText().isBlank() ? "-" : value.asText();
        }
    }

    /** A channel that goes out {@code after} the in-app item, and, with {@code unlessRead}, only if it is still unread. */
    public record Escalation(Duration after, boolean unlessRead) {
    }

    /** What the recipient's quiet hours do to push and email. */
    public enum QuietHoursPolicy {
        /** Skipped ({@code quiet_hours}); the in-app inbox still receives the notification. */
        INBOX_ONLY("inboxOnly"),
        /** Held until the quiet hours end, in the recipient's time zone. */
        DEFER("defer");

        private final String id;

        QuietHoursPolicy(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** The envelope's {@code time}, when it has one that parses. */
    private static Optional<Instant> eventTime(JsonNode event) {
        JsonNode time = event.path("time");
        try {
            return time.isTextual() ? Optional.of(Instant.parse(time.asText())) : Optional.empty();
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * When an event handled at {@code now} is due: {@code sendAt}'s time, else the event's own time plus
     * {@code delay} (so that a retried event is due when it first was), else now; never before now.
     *
     * @throws IllegalArgumentException when the event lacks the {@code sendAt} value, or it is not a time
     */
    public Instant dueAt(JsonNode event, Instant now) {
        if (sendAt == null) {
            if (delay == null) {
                return now;
            }
            Instant due = eventTime(event).orElse(now).plus(delay);
            return due.isAfter(now) ? due : now;
        }
        JsonNode value = sendAt.path().read(event);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("the event has no " + sendAt.path() + "; the type's sendAt needs a time such as 2026-12-24T09:00:00Z");
        }
        Instant at;
        try {
            at = value.asText().length() == 10 ? LocalDate.parse(value.asText()).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(sendAt.path() + " is '" + value.asText()
                    + "', not an ISO-8601 time such as 2026-12-24T09:00:00Z or a date such as 2026-12-24", e);
        }
        Instant due = at.minus(sendAt.before());
        return due.isAfter(now) ? due : now;
    }
}
