package dev.herald.publisher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.NotificationType;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes domain events to Herald's bus. It checks each detail against its catalog type before sending (so a
 * missing recipient field fails in the app, not later in Herald), sends up to 10 entries per {@code PutEvents} call,
 * and retries only the entries EventBridge failed, with exponential backoff and full jitter. Entries that still fail
 * are returned to the caller; nothing is dropped silently. Thread-safe.
 *
 * <pre>{@code
 * HeraldPublisher publisher = HeraldPublisher.builder(EventBridgeClient.create())
 *         .source("demo.app")
 *         .catalog(CatalogLoader.load(Path.of("templates/catalog.yaml")))
 *         .build();
 * PublishResult result = publisher.publish(List.of(
 *         Notification.of("booking.created", Map.of("userId", "u-42", "bookingId", "BK-1001"))));
 * }</pre>
 */
public final class HeraldPublisher {

    /** EventBridge's limit of entries per PutEvents call. */
    public static final int MAX_BATCH = 10;

    private final EventBridgeClient eventBridge;
    private final String busName;
    private final String source;
    private final Catalog catalog;
    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Sleeper sleeper;

    private HeraldPublisher(Builder b) {
        this.eventBridge = Objects.requireNonNull(b.eventBridge, "eventBridge");
        this.busName = b.busName;
        this.source = Objects.requireNonNull(b.source, "source: the name of your application, e.g. demo.app");
        this.catalog = b.catalog;
        this.maxAttempts = b.maxAttempts;
        this.baseDelay = b.baseDelay;
        this.maxDelay = b.maxDelay;
        this.sleeper = b.sleeper;
        if (EventEnvelope.HERALD_SOURCE.equals(source)) {
            throw new IllegalArgumentException("source 'herald' is reserved for Herald's own events; use your application's name");
        }
    }

    public static Builder builder(EventBridgeClient eventBridge) {
        return new Builder(eventBridge);
    }

    /** Publishes one notification and returns its event id, or throws {@link PublishException} if it failed for good. */
    public String publish(String detailType, Object detail) {
        PublishResult result = publish(List.of(Notification.of(detailType, detail)));
        if (!result.allPublished()) {
            FailedEntry failed = result.failed().getFirst();
            throw new PublishException(detailType + " was not published: " + failed.errorCode() + ": " + failed.errorMessage());
        }
        return result.eventIds().getFirst();
    }

    /**
     * Publishes notifications in batches of {@value #MAX_BATCH}.
     *
     * @throws InvalidNotificationException before sending anything, if any notification is invalid
     */
    public PublishResult publish(List<Notification> notifications) {
        List<PutEventsRequestEntry> entries = notifications.stream().map(this::entry).toList();
        String[] ids = new String[notifications.size()];
        List<FailedEntry> failed = new ArrayList<>();
        for (int start = 0; start < entries.size(); start += MAX_BATCH) {
            int end = Math.min(entries.size(), start + MAX_BATCH);
            sendBatch(notifications, entries, start, end, ids, failed);
        }
        return new PublishResult(Arrays.asList(ids), failed);
    }

    private void sendBatch(List<Notification> notifications, List<PutEventsRequestEntry> entries, int start, int end,
                           String[] ids, List<FailedEntry> failed) {
        List<Integer> pending = new ArrayList<>();
        for (int i = start; i < end; i++) {
            pending.add(i);
        }
        List<PutEventsResultEntry> lastErrors = new ArrayList<>();
        for (int attempt = 1; attempt <= maxAttempts && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                sleeper.sleep(backoff(attempt - 1));
            }
            List<PutEventsRequestEntry> batch = pending.stream().map(entries::get).toList();
            PutEventsResponse response;
            try {
                response = eventBridge.putEvents(r -> r.entries(batch));
            } catch (software.amazon.awssdk.core.exception.SdkException e) {
                // the whole call failed (throttled, network): every pending entry is retried
                lastErrors = pending.stream().map(i -> PutEventsResultEntry.builder()
                        .errorCode(e.getClass().getSimpleName()).errorMessage(e.getMessage()).build()).toList();
                continue;
            }
            List<Integer> stillPending = new ArrayList<>();
            lastErrors = new ArrayList<>();
            for (int k = 0; k < pending.size(); k++) {
                PutEventsResultEntry result = response.entries().get(k);
                if (result.eventId() != null && result.errorCode() == null) {
                    ids[pending.get(k)] = result.eventId();
                } else {
                    stillPending.add(pending.get(k));
                    lastErrors.add(result);
                }
            }
            pending = stillPending;
        }
        for (int k = 0; k < pending.size(); k++) {
            PutEventsResultEntry error = lastErrors.get(k);
            failed.add(new FailedEntry(notifications.get(pending.get(k)), error.errorCode(), error.errorMessage()));
        }
    }

    /** Exponential backoff with full jitter: a random delay up to base × 2^(retry-1), capped. */
    Duration backoff(int retry) {
        long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(retry - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    private PutEventsRequestEntry entry(Notification n) {
        if (n.detailType() == null || n.detailType().isBlank()) {
            throw new InvalidNotificationException("a notification needs a detail-type, e.g. booking.created");
        }
        if (n.detail() == null || !n.detail().isObject()) {
            throw new InvalidNotificationException(n.detailType() + ": detail must be a JSON object");
        }
        if (catalog != null) {
            check(n);
        }
        String detail = Json.write(n.detail());
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(busName).source(source).detailType(n.detailType()).detail(detail).build();
        int size = source.length() + n.detailType().getBytes(StandardCharsets.UTF_8).length + detail.getBytes(StandardCharsets.UTF_8).length;
        if (size > EventEnvelope.MAX_SIZE_BYTES) {
            throw new InvalidNotificationException(n.detailType() + ": event is " + size + " bytes; EventBridge accepts at most "
                    + EventEnvelope.MAX_SIZE_BYTES + ". Send an id and let an enricher fetch the rest.");
        }
        return entry;
    }

    private void check(Notification n) {
        Optional<NotificationType> type = catalog.find(n.detailType());
        if (type.isEmpty()) {
            throw new InvalidNotificationException("unknown notification type '" + n.detailType() + "'; the catalog defines "
                    + String.join(", ", catalog.typeIds()));
        }
        var spec = type.get().recipients();
        // the catalog's recipient paths start at the envelope ("detail.userId")
        JsonNode envelope = Json.object().set("detail", n.detail());
        JsonNode recipients = spec.path().read(envelope);
        if (recipients.isMissingNode() || recipients.isNull() || (recipients.isTextual() && recipients.asText().isBlank())
                || (recipients.isArray() && recipients.isEmpty())) {
            throw new InvalidNotificationException(n.detailType() + ": " + spec.path() + " is missing; " + n.detailType()
                    + " sends to the " + spec.kind().key() + " found there");
        }
    }

    /** How the publisher waits between retries; replaceable so tests do not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration);

        Sleeper THREAD = d -> {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishException("interrupted while waiting to retry");
            }
        };
    }

    public static final class Builder {
        private final EventBridgeClient eventBridge;
        private String busName = "herald";
        private String source;
        private Catalog catalog;
        private int maxAttempts = 4;
        private Duration baseDelay = Duration.ofMillis(100);
        private Duration maxDelay = Duration.ofSeconds(5);
        private Sleeper sleeper = Sleeper.THREAD;

        private Builder(EventBridgeClient eventBridge) {
            this.eventBridge = eventBridge;
        }

        /** The bus name or ARN; {@code herald} by default. */
        public Builder busName(String busName) {
            this.busName = busName;
            return this;
        }

        /** Your application's name, the events' {@code source}, e.g. {@code demo.app}. Required. */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /** Checks every detail against its catalog type before sending. Optional but recommended. */
        public Builder catalog(Catalog catalog) {
            this.catalog = catalog;
            return this;
        }

        /** Attempts per entry, including the first; 4 by default. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder backoff(Duration base, Duration max) {
            this.baseDelay = base;
            this.maxDelay = max;
            return this;
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        public HeraldPublisher build() {
            return new HeraldPublisher(this);
        }
    }
}
