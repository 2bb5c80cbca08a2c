package dev.herald.processor.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.aws.AwsClients;
import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.lambda.JsonHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Publishes {@code Delivery Status} events for the deliveries that reach a final state, from the deliveries
 * table's stream: one event per notification in a stream batch, listing its final states. Reading the stream, rather than asking every writer to publish, means no final state can be
 * written without its event. Entries EventBridge refuses fail the batch, so the stream retries it (subscribers may
 * see an event twice; they are keyed by notification, channel and recipient).
 */
public final class StatusEventsHandler extends JsonHandler<JsonNode, StatusEventsHandler.Result> {

    private static final Logger LOG = LoggerFactory.getLogger(StatusEventsHandler.class);
    private static final int MAX_BATCH = 10;

    /** Events published, and the final states they carried. */
    public record Result(int events, int deliveries) {
    }

    private final EventBridgeClient eventBridge;
    private final String busName;

    public StatusEventsHandler() {
        this(HeraldConfig.fromEnvironment());
    }

    private StatusEventsHandler(HeraldConfig config) {
        this(AwsClients.build(EventBridgeClient.builder(), config), config.require(HeraldEnv.EVENT_BUS));
    }

    public StatusEventsHandler(EventBridgeClient eventBridge, String busName) {
        super(JsonNode.class);
        this.eventBridge = eventBridge;
        this.busName = busName;
    }

    /** Takes a DynamoDB stream batch ({@code {"Records": [...]}}) with new and old images. */
    @Override
    public Result handle(JsonNode streamBatch) {
        Map<Notification, List<DeliveryStatusEvent.Outcome>> byNotification = new LinkedHashMap<>();
        for (JsonNode record : streamBatch.path("Records")) {
            statusChange(record.path("dynamodb")).ifPresent(change -> byNotification
                    .computeIfAbsent(new Notification(change.key().notificationId(), change.key().typeId()), n -> new ArrayList<>())
                    .add(change.outcome()));
        }
        List<DeliveryStatusEvent> events = new ArrayList<>();
        byNotification.forEach((notification, outcomes) -> {
            for (int i = 0; i < outcomes.size(); i += DeliveryStatusEvent.MAX_DELIVERIES) {
                events.add(new DeliveryStatusEvent(notification.id(), notification.type(),
                        outcomes.subList(i, Math.min(outcomes.size(), i + DeliveryStatusEvent.MAX_DELIVERIES))));
            }
        });
        for (int i = 0; i < events.size(); i += MAX_BATCH) {
            publish(events.subList(i, Math.min(events.size(), i + MAX_BATCH)));
        }
        return new Result(events.size(), byNotification.values().stream().mapToInt(List::size).sum());
    }

    private void publish(List<DeliveryStatusEvent> batch) {
        List<PutEventsRequestEntry> entries = batch.stream().map(e -> PutEventsRequestEntry.builder()
                .eventBusName(busName).source(EventEnvelope.HERALD_SOURCE).detailType(DeliveryStatusEvent.DETAIL_TYPE)
                .detail(Json.write(e)).build()).toList();
        PutEventsResponse response = eventBridge.putEvents(r -> r.entries(entries));
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            throw new IllegalStateException(response.failedEntryCount() + " of " + entries.size()
                    + " status events were refused by EventBridge; the stream batch will be retried");
        }
    }

    private record Change(DeliveryKey key, DeliveryStatusEvent.Outcome outcome) {
    }

    private record Notification(String id, String type) {
    }

    /** A final status that this write introduced; other writes (retries, payload updates) publish nothing. */
    private static java.util.Optional<Change> statusChange(JsonNode change) {
        String status = attribute(change.path("NewImage"), "status");
        String before = attribute(change.path("OldImage"), "status");
        if (status == null || status.equals(before) || !DeliveryStatus.valueOf(status).isFinal()) {
            return java.util.Optional.empty();
        }
        JsonNode image = change.path("NewImage");
        DeliveryKey key = DeliveryKey.fromSortKey(attribute(image, "pk"), attribute(image, "sk"));
        String attempts = image.path("attempts").path("N").asText("0");
        String updatedAt = attribute(image, "updatedAt");
        return java.util.Optional.of(new Change(key, new DeliveryStatusEvent.Outcome(key.channel().id(), key.recipientId(), status,
                attribute(image, "reason"), Integer.parseInt(attempts), updatedAt == null ? null : Instant.parse(updatedAt))));
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
