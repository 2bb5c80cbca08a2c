package dev.herald.enrichment.recipients;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.Channel;
import dev.herald.config.HeraldEnv;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.lambda.JsonHandler;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.queue.MessageSender;
import dev.herald.recipient.ManagementEvents;
import dev.herald.recipient.QuietHours;
import dev.herald.recipient.RecipientLimits;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import dev.herald.schedule.Waits;
import dev.herald.schedule.WakeUp;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintains recipient profiles, topic memberships and unsubscribes from the management events apps publish
 * ({@code Recipient Upserted}, {@code Recipient Deleted}, {@code Recipient Resubscribed}, {@code Topic Subscribed},
 * {@code Topic Unsubscribed}). {@code Recipient Deleted} leaves the recipient's devices to the devices function, which
 * gets the same event and deletes them with their SNS endpoints. An invalid event is refused with a clear message and
 * not retried; it can never be right on a retry.
 */
public final class RecipientEventsHandler extends JsonHandler<EventEnvelope, RecipientEventsHandler.Result> {

    private static final Logger LOG = LoggerFactory.getLogger(RecipientEventsHandler.class);

    /** What happened to one management event: {@code applied}, or refused with the reason. */
    public record Result(String eventId, String detailType, boolean applied, String error) {
    }

    private final Catalog catalog;
    private final RecipientRepository recipients;
    private final Clock clock;
    private final Waits waits;
    private final MessageSender dueQueue;

    public RecipientEventsHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public RecipientEventsHandler(Wiring wiring) {
        this(wiring.catalog(), wiring.recipients(), wiring.clock(), wiring.waits(), wiring.queue(HeraldEnv.DUE_QUEUE_URL));
    }

    /**
     * Everything given: for tests and herald local. The catalog's categories and channels are what a resubscribe may
     * name.
     *
     * @param waits    the recipient's quiet-hours waits, to be decided again when their quiet hours or time zone change
     * @param dueQueue where those waits' wake-ups go
     */
    public RecipientEventsHandler(Catalog catalog, RecipientRepository recipients, Clock clock, Waits waits, MessageSender dueQueue) {
        super(EventEnvelope.class);
        this.catalog = catalog;
        this.recipients = recipients;
        this.clock = clock;
        this.waits = waits;
        this.dueQueue = dueQueue;
    }

    @Override
    protected void prime() {
        super.prime();
        recipients.find(SnapStartPriming.PRIMING_ID);
    }

    @Override
    public Result handle(EventEnvelope event) {
        try {
            JsonNode d = event.validate().detail();
            switch (event.detailType()) {
                case ManagementEvents.RECIPIENT_UPSERTED -> upsert(profile(d));
                case ManagementEvents.RECIPIENT_DELETED -> recipients.deleteExceptDevices(id(d, "recipientId"));
                case ManagementEvents.RECIPIENT_RESUBSCRIBED -> resubscribe(d);
                case ManagementEvents.TOPIC_SUBSCRIBED -> recipients.subscribe(id(d, "topic"), id(d, "recipientId"));
                case ManagementEvents.TOPIC_UNSUBSCRIBED -> recipients.unsubscribe(id(d, "topic"), id(d, "recipientId"));
                default -> throw new IllegalArgumentException("'" + event.detailType() + "' is not a recipient management event; expected one of "
                        + String.join(", ", ManagementEvents.RECIPIENT_EVENTS));
            }
            LOG.info("applied {}", event.detailType());
            return new Result(event.id(), event.detailType(), true, null);
        } catch (IllegalArgumentException | dev.herald.event.InvalidEventException e) {
            LOG.warn("refused {}: {}", event.detailType(), e.getMessage());
            return new Result(event.id(), event.detailType(), false, event.detailType() + ": " + e.getMessage());
        }
    }

    /**
     * Writes the profile; then what waits for the end of the recipient's quiet hours is decided again at once, with
     * their quiet hours and time zone as they are now: released if they have ended, held until the new end if not.
     * Every upsert does it (one query, empty for most recipients), not only one that changes them, so that a retried
     * event, whose first attempt wrote the profile and stopped, still does.
     */
    private void upsert(RecipientProfile profile) {
        recipients.put(profile);
        List<WakeUp> deferred = waits.deferredFor(profile.id());
        if (!deferred.isEmpty()) {
            dueQueue.sendAll(deferred.stream().map(Json::write).toList());
            LOG.info("recipient {} updated; {} wait(s) for the end of their quiet hours decided again", profile.id(), deferred.size());
        }
    }

    /**
     * Removes what a one-click unsubscribe recorded for the category on the channel (email unless named). The
     * profile's own opt-outs are the app's to change, with {@code Recipient Upserted}.
     */
    private void resubscribe(JsonNode d) {
        String recipientId = id(d, "recipientId");
        Map<String, Set<Channel>> categories = catalog.categoryChannels();
        JsonNode categoryValue = d.path("category");
        String category = categoryValue.isTextual() ? categoryValue.asText().strip() : "";
        if (category.isEmpty()) {
            throw new IllegalArgumentException("detail.category is required: one of the catalog's categories " + categories.keySet());
        }
        Set<Channel> channels = categories.get(category);
        if (channels == null) {
            throw new IllegalArgumentException("detail.category '" + category + "' is not a category of the catalog; expected one of "
                    + categories.keySet());
        }
        String channelName = optional(d, "channel");
        Channel channel = channelName == null ? Channel.EMAIL : Channel.find(channelName).orElseThrow(() -> new IllegalArgumentException(
                "detail.channel '" + channelName + "' is not a channel; expected one of " + Channel.names() + " (email when left out)"));
        if (!channels.contains(channel)) {
            throw new IllegalArgumentException("detail.channel " + channel.id() + " is not a channel of category '" + category
                    + "'; its types use " + channels.stream().map(Channel::id).toList());
        }
        boolean removed = recipients.removeUnsubscribe(recipientId, category, channel);
        LOG.info("recipient {} resubscribed to {} on {}{}", recipientId, category, channel.id(), removed ? "" : " (no unsubscribe was recorded)");
    }

    private RecipientProfile profile(JsonNode d) {
        String id = id(d, "recipientId");
        String locale = optional(d, "locale");
        if (locale != null && Locale.forLanguageTag(locale).toLanguageTag().equals("und")) {
            throw new IllegalArgumentException("detail.locale '" + locale + "' is not a BCP 47 language tag such as fr or fr-CA");
        }
        String timeZone = optional(d, "timeZone");
        if (timeZone != null) {
            try {
                ZoneId.of(timeZone);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("detail.timeZone '" + timeZone + "' is not an IANA time zone such as Europe/Paris");
            }
        }
        String email = optional(d, "email");
        if (email != null) {
            RecipientLimits.emailProblem(email).ifPresent(problem -> {
                throw new IllegalArgumentException("detail.email: " + problem);
            });
        }
        return new RecipientProfile(id, locale == null ? null : Locale.forLanguageTag(locale).toLanguageTag(), timeZone, email,
                optional(d, "displayName"), optOuts(d.path("optOuts")), quietHours(d.path("quietHours")), clock.instant());
    }

    private static Map<String, Set<Channel>> optOuts(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("detail.optOuts must map a category to the channels turned off, e.g. {\"bookings\": [\"email\"]}");
        }
        Map<String, Set<Channel>> optOuts = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var entry = it.next();
            Set<Channel> channels = EnumSet.noneOf(Channel.class);
            for (JsonNode c : entry.getValue()) {
                channels.add(Channel.find(c.asText()).orElseThrow(() -> new IllegalArgumentException("detail.optOuts." + entry.getKey()
                        + ": unknown channel '" + c.asText() + "'; expected one of " + Channel.names())));
            }
            optOuts.put(entry.getKey(), channels);
        }
        return optOuts;
    }

    private static QuietHours quietHours(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        try {
            return new QuietHours(LocalTime.parse(node.path("start").asText()), LocalTime.parse(node.path("end").asText()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("detail.quietHours needs start and end as HH:mm, e.g. {\"start\":\"22:00\",\"end\":\"07:00\"}");
        }
    }

    private static String id(JsonNode d, String field) {
        return ManagementEvents.requireId(d, field);
    }

    private static String optional(JsonNode d, String field) {
        JsonNode v = d.path(field);
        return v.isMissingNode() || v.isNull() || v.asText().isBlank() ? null : v.asText().strip();
    }

    @Override
    protected String correlationId(EventEnvelope request) {
        return request.id();
    }
}
