package dev.herald.processor.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.HeraldEnv;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.event.EventEnvelope;
import dev.herald.inbox.InboxState;
import dev.herald.inbox.InboxStore;
import dev.herald.json.Json;
import dev.herald.lambda.JsonHandler;
import dev.herald.lambda.Wiring;
import dev.herald.recipient.preferences.PreferencesChangedEvent;
import dev.herald.recipient.preferences.PreferencesChangedMarks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Publishes Herald's own events from the deliveries table's stream: {@code Delivery Status} for the deliveries that
 * reach a final state (one event per notification in a stream batch, listing its final states), and
 * {@code Recipient Unsubscribed} for each delivery whose unsubscribe link was newly used, and
 * {@code Recipient Preferences Changed} for each preference change's mark ({@link PreferencesChangedMarks}). It also
 * takes the unread in-app items that TTL removes out of their users' counts. Reading
 * the stream, rather
 * than asking every writer to publish, means neither can be written without its event. Entries EventBridge refuses
 * fail the batch, so the stream retries it (subscribers may see an event twice; status events are keyed by
 * notification, channel and recipient, unsubscribes by recipient and category).
 */
public final class StatusEventsHandler extends JsonHandler<JsonNode, StatusEventsHandler.Result> {

    private static final Logger LOG = LoggerFactory.getLogger(StatusEventsHandler.class);
    private static final int MAX_BATCH = 10;

    /** Events published, the final states they carried, and the unsubscribes among them. */
    public record Result(int events, int deliveries, int unsubscribes) {
    }

    private final EventBridgeClient eventBridge;
    private final String busName;
    private final InboxStore inbox;

    public StatusEventsHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public StatusEventsHandler(Wiring wiring) {
        this(wiring.client(EventBridgeClient.builder()), wiring.config().require(HeraldEnv.EVENT_BUS), wiring.inbox());
    }

    /** Publishing only: for tests of the events. */
    public StatusEventsHandler(EventBridgeClient eventBridge, String busName) {
        this(eventBridge, busName, null);
    }

    /** @param inbox whose counts lose the unread in-app items that TTL removes; null to leave counts alone */
    public StatusEventsHandler(EventBridgeClient eventBridge, String busName, InboxStore inbox) {
        super(JsonNode.class);
        this.eventBridge = eventBridge;
        this.busName = busName;
        this.inbox = inbox;
    }

    /** Takes a DynamoDB stream batch ({@code {"Records": [...]}}) with new and old images. */
    @Override
    public Result handle(JsonNode streamBatch) {
        Map<Notification, List<DeliveryStatusEvent.Outcome>> byNotification = new LinkedHashMap<>();
        List<RecipientUnsubscribedEvent> unsubscribes = new ArrayList<>();
        List<String> preferenceChanges = new ArrayList<>();
        for (JsonNode record : streamBatch.path("Records")) {
            statusChange(record.path("dynamodb")).ifPresent(change -> byNotification
                    .computeIfAbsent(new Notification(change.key().notificationId(), change.key().typeId()), n -> new ArrayList<>())
                    .add(change.outcome()));
            unsubscribe(record.path("dynamodb")).ifPresent(unsubscribes::add);
            PreferencesChangedMarks.announced(record.path("dynamodb")).ifPresent(preferenceChanges::add);
            forgetRemovedUnread(record);
        }
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        byNotification.forEach((notification, outcomes) -> {
            for (int i = 0; i < outcomes.size(); i += DeliveryStatusEvent.MAX_DELIVERIES) {
                entries.add(entry(DeliveryStatusEvent.DETAIL_TYPE, new DeliveryStatusEvent(notification.id(), notification.type(),
                        outcomes.subList(i, Math.min(outcomes.size(), i + DeliveryStatusEvent.MAX_DELIVERIES)))));
            }
        });
        unsubscribes.forEach(event -> entries.add(entry(RecipientUnsubscribedEvent.DETAIL_TYPE, event)));
        // the mark holds the detail as written with the change
        preferenceChanges.forEach(detail -> entries.add(PutEventsRequestEntry.builder().eventBusName(busName)
                .source(EventEnvelope.HERALD_SOURCE).detailType(PreferencesChangedEvent.DETAIL_TYPE).detail(detail).build()));
        for (int i = 0; i < entries.size(); i += MAX_BATCH) {
            publish(entries.subList(i, Math.min(entries.size(), i + MAX_BATCH)));
        }
        return new Result(entries.size(), byNotification.values().stream().mapToInt(List::size).sum(), unsubscribes.size());
    }

    private PutEventsRequestEntry entry(String detailType, Object detail) {
        return PutEventsRequestEntry.builder().eventBusName(busName).source(EventEnvelope.HERALD_SOURCE).detailType(detailType)
                .detail(Json.write(detail)).build();
    }

    private void publish(List<PutEventsRequestEntry> entries) {
        PutEventsResponse response = eventBridge.putEvents(r -> r.entries(entries));
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            throw new IllegalStateException(response.failedEntryCount() + " of " + entries.size()
                    + " events were refused by EventBridge; the stream batch will be retried");
        }
    }

    private record Change(DeliveryKey key, DeliveryStatusEvent.Outcome outcome) {
    }

    private record Notification(String id, String type) {
    }

    /** A final status, or a wait, that this write introduced; other writes (retries, payload updates) publish nothing. */
    private static Optional<Change> statusChange(JsonNode change) {
        String status = attribute(change.path("NewImage"), "status");
        String before = attribute(change.path("OldImage"), "status");
        if (status == null || status.equals(before) || !DeliveryStatus.valueOf(status).isReported()) {
            return Optional.empty();
        }
        JsonNode image = change.path("NewImage");
        DeliveryKey key = DeliveryKey.fromSortKey(attribute(image, "pk"), attribute(image, "sk"));
        String attempts = image.path("attempts").path("N").asText("0");
        String updatedAt = attribute(image, "updatedAt");
        String dueAt = attribute(image, DeliveryRepository.DUE_AT);
        return Optional.of(new Change(key, new DeliveryStatusEvent.Outcome(key.channel().id(), key.recipientId(), status,
                attribute(image, "reason"), Integer.parseInt(attempts), updatedAt == null ? null : Instant.parse(updatedAt),
                dueAt == null ? null : Instant.parse(dueAt))));
    }

    /**
     * An in-app item removed while unread (its retention ran out) leaves the user's counts with it: otherwise the badge
     * would count it for ever. Every other removal leaves counts alone.
     */
    private void forgetRemovedUnread(JsonNode record) {
        if (inbox == null || !"REMOVE".equals(record.path("eventName").asText())) {
            return;
        }
        JsonNode old = record.path("dynamodb").path("OldImage");
        Optional<InboxState> state = Optional.ofNullable(attribute(old, InboxStore.STATE)).flatMap(InboxState::fromId);
        String recipient = attribute(old, "recipientId");
        String pk = attribute(old, "pk");
        String sk = attribute(old, "sk");
        if (state.isPresent() && state.get().unread() && recipient != null && pk != null && sk != null) {
            inbox.forget(recipient, state.get(), DeliveryKey.fromSortKey(pk, sk));
        }
    }

    /** An unsubscribe link used anew on this delivery: a changed mark (a repeat of the same link writes none). */
    private static Optional<RecipientUnsubscribedEvent> unsubscribe(JsonNode change) {
        JsonNode image = change.path("NewImage");
        String at = attribute(image, DeliveryRepository.UNSUBSCRIBED_AT);
        String category = attribute(image, DeliveryRepository.UNSUBSCRIBED_CATEGORY);
        if (at == null || category == null || at.equals(attribute(change.path("OldImage"), DeliveryRepository.UNSUBSCRIBED_AT))) {
            return Optional.empty();
        }
        DeliveryKey key = DeliveryKey.fromSortKey(attribute(image, "pk"), attribute(image, "sk"));
        return Optional.of(new RecipientUnsubscribedEvent(key.recipientId(), category, key.channel().id(), key.notificationId(), Instant.parse(at)));
    }

    private static String attribute(JsonNode image, String name) {
        JsonNode value = image.path(name).path("S");
        return value.isTextual() ? value.asText() : null;
    }

    @Override
    protected String correlationId(JsonNode request) {
        return "status-" + request.path("Records").size();
    }
}
