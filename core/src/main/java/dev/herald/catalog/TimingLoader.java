package dev.herald.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and checks a catalog type's time-aware settings ({@link Timing}); part of {@link CatalogLoader}. */
final class TimingLoader {

    private static final Set<String> IDEMPOTENCY_FIELDS = Set.of("path", "window");
    private static final Set<String> SEND_AT_FIELDS = Set.of("path", "before");
    private static final Set<String> CANCEL_FIELDS = Set.of("event", "match");
    private static final Set<String> DIGEST_FIELDS = Set.of("window", "key", "max");
    private static final Set<String> ESCALATION_FIELDS = Set.of("after", "unlessRead");

    private TimingLoader() {
    }

    static Timing timing(String where, JsonNode node, RecipientSpec recipients, Priority priority, List<Channel> channels,
                         DeliveryStrategy delivery, Map<Channel, Timing.Escalation> escalations, Timing.QuietHoursPolicy categoryPolicy) {
        Timing.IdempotencyKey key = idempotencyKey(where, node.path("idempotencyKey"));
        Duration delay = positive(where + ": delay", node.path("delay"));
        Timing.SendAt sendAt = sendAt(where, node.path("sendAt"));
        if (delay != null && sendAt != null) {
            throw new CatalogException(where + ": delay and sendAt both say when to send; keep one");
        }
        Timing.Digest digest = digest(where, node.path("digest"));
        Timing.QuietHoursPolicy quietHours = node.has("quietHours")
                ? CatalogLoader.quietHoursPolicy(where, node.path("quietHours")) : categoryPolicy;
        Timing.CancelOn cancelOn = cancelOn(where, node.path("cancelOn"));
        boolean critical = priority == Priority.CRITICAL;
        if (digest != null) {
            if (critical) {
                throw new CatalogException(where + ": a critical type is sent at once and never digested; remove digest or make it priority normal");
            }
            if (delay != null || sendAt != null) {
                throw new CatalogException(where + ": a digest already waits for its window; remove delay or sendAt");
            }
            if (recipients.kind() == RecipientSpec.Kind.TOPIC) {
                throw new CatalogException(where + ": digests collect one recipient's events; a topic's audience cannot be digested");
            }
        }
        if (cancelOn != null && delay == null && sendAt == null && escalations.isEmpty() && quietHours != Timing.QuietHoursPolicy.DEFER) {
            throw new CatalogException(where + ": cancelOn withdraws what is still waiting, but nothing of this type waits; add delay or sendAt");
        }
        if (!escalations.isEmpty()) {
            if (delivery != DeliveryStrategy.ALL) {
                throw new CatalogException(where + ": a channel that waits (after) needs delivery: all; with 'first' it would never be reached");
            }
            escalations.forEach((channel, escalation) -> {
                if (channel == Channel.WEBSOCKET) {
                    throw new CatalogException(where + ": channels: websocket is the in-app item others wait on; it cannot wait itself");
                }
                if (escalation.unlessRead() && !channels.contains(Channel.WEBSOCKET)) {
                    throw new CatalogException(where + ": channels." + channel.id() + ".unlessRead needs websocket among the channels: it waits on "
                            + "the in-app item being read");
                }
            });
        }
        return new Timing(key, delay, sendAt, cancelOn, digest, quietHours, escalations);
    }

    /** {@code {after: 30m, unlessRead: true}} */
    static Timing.Escalation escalation(String where, JsonNode node) {
        if (!node.isObject()) {
            throw new CatalogException(where + " must be a mapping such as {after: 30m, unlessRead: true}");
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!ESCALATION_FIELDS.contains(name)) {
                throw new CatalogException(where + ": unknown field '" + name + "'; expected after, unlessRead");
            }
        });
        Duration after = positive(where + ".after", node.path("after"));
        if (after == null) {
            throw new CatalogException(where + ".after is required: how long the channel waits after the in-app item, e.g. 30m");
        }
        JsonNode unlessRead = node.path("unlessRead");
        if (!unlessRead.isMissingNode() && !unlessRead.isBoolean()) {
            throw new CatalogException(where + ".unlessRead must be true or false");
        }
        return new Timing.Escalation(after, unlessRead.asBoolean(false));
    }

    /** {@code detail.bookingId} or {@code {path: detail.bookingId, window: 24h}} */
    private static Timing.IdempotencyKey idempotencyKey(String where, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return Timing.IdempotencyKey.DEFAULT;
        }
        if (node.isTextual()) {
            return new Timing.IdempotencyKey(detailPath(where + ": idempotencyKey", node), Timing.DEFAULT_IDEMPOTENCY_WINDOW);
        }
        CatalogLoader.unknownFields(where, "idempotencyKey", node, IDEMPOTENCY_FIELDS);
        Duration window = positive(where + ": idempotencyKey.window", node.path("window"));
        return new Timing.IdempotencyKey(detailPath(where + ": idempotencyKey.path", node.path("path")),
                window == null ? Timing.DEFAULT_IDEMPOTENCY_WINDOW : window);
    }

    /** {@code detail.remindAt} or {@code {path: detail.checkIn, before: 1d}} */
    private static Timing.SendAt sendAt(String where, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return new Timing.SendAt(detailPath(where + ": sendAt", node), Duration.ZERO);
        }
        CatalogLoader.unknownFields(where, "sendAt", node, SEND_AT_FIELDS);
        return new Timing.SendAt(detailPath(where + ": sendAt.path", node.path("path")),
                CatalogLoader.duration(where + ": sendAt.before", node.path("before"), Duration.ZERO));
    }

    /** {@code {event: booking.cancelled, match: detail.bookingId}} */
    private static Timing.CancelOn cancelOn(String where, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new CatalogException(where + ": cancelOn must be a mapping such as {event: booking.cancelled, match: detail.bookingId}");
        }
        CatalogLoader.unknownFields(where, "cancelOn", node, CANCEL_FIELDS);
        String event = CatalogLoader.text(node.path("event"), null);
        if (event == null || event.isBlank()) {
            throw new CatalogException(where + ": cancelOn.event is required: the detail-type of the event that withdraws, e.g. booking.cancelled");
        }
        return new Timing.CancelOn(event, detailPath(where + ": cancelOn.match", node.path("match")));
    }

    /** {@code {window: 1h, key: detail.hotelId, max: 50}} */
    private static Timing.Digest digest(String where, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new CatalogException(where + ": digest must be a mapping such as {window: 1h, key: detail.hotelId, max: 50}");
        }
        CatalogLoader.unknownFields(where, "digest", node, DIGEST_FIELDS);
        Duration window = positive(where + ": digest.window", node.path("window"));
        if (window == null) {
            throw new CatalogException(where + ": digest.window is required: how long events are collected, e.g. 1h");
        }
        JsonNode max = node.path("max");
        if (!max.isMissingNode() && (!max.isInt() || max.asInt() < 2 || max.asInt() > Timing.Digest.MAX_LIMIT)) {
            throw new CatalogException(where + ": digest.max must be a whole number from 2 to " + Timing.Digest.MAX_LIMIT + ", got '" + max.asText() + "'");
        }
        JsonPath key = node.has("key") ? detailPath(where + ": digest.key", node.path("key")) : null;
        return new Timing.Digest(window, key, max.asInt(Timing.Digest.DEFAULT_MAX));
    }

    private static JsonPath detailPath(String where, JsonNode node) {
        if (!node.isTextual()) {
            throw new CatalogException(where + " must be a path into the event's detail, e.g. detail.bookingId");
        }
        try {
            JsonPath path = JsonPath.parse(node.asText());
            if (!path.segments().getFirst().equals("detail") || path.segments().size() < 2) {
                throw new CatalogException(where + " must be a path into the event's detail, e.g. detail.bookingId; got '" + node.asText() + "'");
            }
            return path;
        } catch (IllegalArgumentException e) {
            throw new CatalogException(where + ": " + e.getMessage(), e);
        }
    }

    private static Duration positive(String where, JsonNode node) {
        Duration duration = CatalogLoader.duration(where, node, null);
        if (duration != null && duration.isZero()) {
            throw new CatalogException(where + " must be longer than zero");
        }
        return duration;
    }
}
