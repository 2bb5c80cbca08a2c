package dev.herald.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SES configuration set's event destination to EventBridge, as the SES stand-in's: for each email sent with that
 * configuration set, "Email Delivered" a moment after it was accepted (nothing leaves the machine, so every address
 * is delivered to), and, when engagement tracking is on, "Email Opened" and "Email Clicked" on request (the dev
 * API's stand-ins for a recipient opening the email and following a link). Events have SES's shape: source
 * {@code aws.ses}, SES's {@code detail-type}s, a {@code detail} in SES's event publishing format whose
 * {@code mail.tags} carry the message tags of the SendEmail and {@code ses:configuration-set}, so the handler that
 * reads SES's events in the cloud reads these unchanged. Remembers the newest {@link Outbox#CAPACITY} emails.
 * Thread-safe.
 */
public final class SesEventDestination {

    private static final Logger LOG = LoggerFactory.getLogger(SesEventDestination.class);

    public static final String SOURCE = "aws.ses";
    public static final String DELIVERED = "Email Delivered";
    public static final String OPENED = "Email Opened";
    public static final String CLICKED = "Email Clicked";

    /**
     * How long after SendEmail the delivery is reported. SES takes seconds; the stand-in waits a little, so that the
     * email channel has usually recorded the send by then (a delivery reported earlier is retried by its handler).
     */
    public static final Duration DEFAULT_DELIVERY_DELAY = Duration.ofMillis(250);

    private static final Pattern FIRST_LINK = Pattern.compile("href\\s*=\\s*\"(https?://[^\"]+)\"", Pattern.CASE_INSENSITIVE);

    /** What is kept of one email: the {@code mail} object of its events, and its HTML body (opens and clicks need one). */
    private record Sent(ObjectNode mail, String html) {
    }

    /** Why an open or a click was not published, for the dev API's answer. */
    public enum Refusal {
        /** No email with that message id among the newest kept (or not sent with this configuration set). */
        UNKNOWN_MESSAGE,
        /** Engagement tracking is off, as it is in an environment without {@code engagementTracking}. */
        TRACKING_OFF,
        /** SES tracks opens and clicks through the HTML body only (a pixel, rewritten links). */
        NO_HTML
    }

    /** The outcome of an open or a click: the event id on the bus, or why nothing was published. */
    public record Outcome(Optional<String> eventId, Optional<Refusal> refusal, String message) {

        static Outcome published(String eventId, String message) {
            return new Outcome(Optional.of(eventId), Optional.empty(), message);
        }

        static Outcome refused(Refusal refusal, String message) {
            return new Outcome(Optional.empty(), Optional.of(refusal), message);
        }

        public boolean ok() {
            return eventId.isPresent();
        }
    }

    private final String configurationSet;
    private final boolean engagementTracking;
    private final EventBusIntake bus;
    private final Clock clock;
    private final Executor later;
    private final Map<String, Sent> sent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
            return size() > Outbox.CAPACITY;
        }
    };

    /**
     * @param configurationSet   the configuration set whose emails publish events; others publish none, as in SES
     * @param engagementTracking whether opens and clicks are published
     * @param bus                where the events go: herald local's bus, or a recording one in tests
     * @param deliveryDelay      how long after SendEmail the delivery is reported; zero for at once, in the caller's thread
     */
    public SesEventDestination(String configurationSet, boolean engagementTracking, EventBusIntake bus, Clock clock,
                               Duration deliveryDelay) {
        this.configurationSet = configurationSet;
        this.engagementTracking = engagementTracking;
        this.bus = bus;
        this.clock = clock;
        this.later = deliveryDelay.isZero() ? Runnable::run
                : CompletableFuture.delayedExecutor(deliveryDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean engagementTracking() {
        return engagementTracking;
    }

    /**
     * An email SES accepted: remembered, and its delivery reported, if it names this configuration set.
     *
     * @param request the SendEmail request body (for {@code EmailTags}, {@code ConfigurationSetName}, addresses)
     */
    void accepted(String messageId, Instant at, JsonNode request, List<String> destination, String html) {
        if (!configurationSet.equals(request.path("ConfigurationSetName").asText(null))) {
            return;
        }
        ObjectNode mail = mail(messageId, at, request, destination);
        synchronized (sent) {
            sent.put(messageId, new Sent(mail, html));
        }
        later.execute(() -> {
            ObjectNode delivery = Json.object();
            delivery.put("timestamp", clock.instant().toString());
            delivery.put("processingTimeMillis", Math.max(0, Duration.between(at, clock.instant()).toMillis()));
            ArrayNode recipients = delivery.putArray("recipients");
            destination.forEach(recipients::add);
            delivery.put("smtpResponse", "250 2.6.0 Message received");
            delivery.put("reportingMTA", "herald-local");
            publish(DELIVERED, "Delivery", "delivery", mail, delivery);
        });
    }

    /** The recipient opened the email: "Email Opened", as SES reports its pixel being loaded. */
    public Outcome open(String messageId, String userAgent) {
        return engage(messageId, OPENED, "Open", "open", sent -> {
            ObjectNode open = Json.object();
            open.put("ipAddress", "127.0.0.1");
            open.put("timestamp", clock.instant().toString());
            open.put("userAgent", userAgent);
            return open;
        });
    }

    /**
     * The recipient followed a link: "Email Clicked", as SES reports a rewritten link being followed. {@code link}:
     * the link's original URL; empty for the first link of the HTML body.
     */
    public Outcome click(String messageId, Optional<String> link, String userAgent) {
        return engage(messageId, CLICKED, "Click", "click", sent -> {
            ObjectNode click = Json.object();
            click.put("ipAddress", "127.0.0.1");
            click.put("link", link.filter(l -> !l.isBlank()).orElseGet(() -> firstLink(sent.html())));
            click.putObject("linkTags");
            click.put("timestamp", clock.instant().toString());
            click.put("userAgent", userAgent);
            return click;
        });
    }

    private Outcome engage(String messageId, String detailType, String eventType, String field,
                           Function<Sent, ObjectNode> details) {
        if (!engagementTracking) {
            return Outcome.refused(Refusal.TRACKING_OFF, "engagement tracking is off, so SES reports no opens or clicks; start herald "
                    + "local with --track-engagement (the cloud's engagementTracking=true)");
        }
        Sent email;
        synchronized (sent) {
            email = sent.get(messageId);
        }
        if (email == null) {
            return Outcome.refused(Refusal.UNKNOWN_MESSAGE, "no email " + messageId + " sent with configuration set " + configurationSet
                    + " among the newest " + Outbox.CAPACITY + "; take a messageId from GET /local/outbox");
        }
        if (email.html() == null || email.html().isBlank()) {
            return Outcome.refused(Refusal.NO_HTML, "email " + messageId + " has no HTML body: SES tracks opens and clicks through the "
                    + "HTML body only");
        }
        return publish(detailType, eventType, field, email.mail(), details.apply(email))
                .map(id -> Outcome.published(id, detailType + " published for " + messageId))
                .orElseGet(() -> Outcome.refused(Refusal.UNKNOWN_MESSAGE, "the bus refused the " + detailType + " event of " + messageId));
    }

    private Optional<String> publish(String detailType, String eventType, String field, ObjectNode mail, ObjectNode details) {
        ObjectNode detail = Json.object();
        detail.put("eventType", eventType);
        detail.set("mail", mail);
        detail.set(field, details);
        ObjectNode entry = Json.object();
        entry.put("Source", SOURCE);
        entry.put("DetailType", detailType);
        entry.put("Detail", Json.write(detail));
        entry.putArray("Resources").add("arn:aws:ses:us-east-1:" + LocalQueues.ACCOUNT + ":configuration-set/" + configurationSet);
        try {
            EventBusIntake.Result result = bus.put(entry, 0);
            if (!result.ok()) {
                LOG.warn("SES {} event of message {} refused by the bus: {} {}", detailType, mail.path("messageId").asText(),
                        result.errorCode(), result.errorMessage());
                return Optional.empty();
            }
            return Optional.of(result.eventId());
        } catch (RuntimeException e) {
            // a delivery reported after herald local stopped, or a bus that is full: SES's events are best effort too
            LOG.warn("SES {} event of message {} not published: {}", detailType, mail.path("messageId").asText(), e.toString());
            return Optional.empty();
        }
    }

    /** SES's {@code mail} object: the message tags as {@code name: [value]}, with SES's own configuration-set tag. */
    private ObjectNode mail(String messageId, Instant at, JsonNode request, List<String> destination) {
        ObjectNode mail = Json.object();
        mail.put("timestamp", at.toString());
        String from = request.path("FromEmailAddress").asText("");
        mail.put("source", from);
        mail.put("sendingAccountId", LocalQueues.ACCOUNT);
        mail.put("messageId", messageId);
        ArrayNode to = mail.putArray("destination");
        destination.forEach(to::add);
        mail.put("headersTruncated", false);
        ObjectNode tags = mail.putObject("tags");
        tags.putArray("ses:configuration-set").add(configurationSet);
        tags.putArray("ses:from-domain").add(from.substring(from.lastIndexOf('@') + 1).replace(">", ""));
        tags.putArray("ses:caller-identity").add("herald-local");
        request.path("EmailTags").forEach(tag -> tags.putArray(tag.path("Name").asText()).add(tag.path("Value").asText()));
        return mail;
    }

    private static String firstLink(String html) {
        Matcher m = FIRST_LINK.matcher(html);
        return m.find() ? m.group(1) : "https://herald.invalid/";
    }
}
