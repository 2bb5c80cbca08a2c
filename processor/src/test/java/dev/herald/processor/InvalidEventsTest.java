package dev.herald.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.fanout.FanOutProgress;
import dev.herald.json.Json;
import dev.herald.observability.NotificationMetrics;
import dev.herald.queue.RetryBackoff;
import dev.herald.store.HeraldTables;
import dev.herald.testing.LocalDynamo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * What DynamoDB can never store is recorded once as FAILED(invalid_event), under the event's placeholder recipient,
 * and the processor returns normally: an exception would only have Lambda retry it twice and dead-letter it.
 */
class InvalidEventsTest {

    private static final Catalog CATALOG = CatalogLoader.load(Path.of("../templates/catalog.yaml"));

    private final List<Dispatch> dispatched = new ArrayList<>();
    private HeraldTables.Names tables;
    private DeliveryRepository deliveries;

    @BeforeEach
    void freshTables() {
        tables = LocalDynamo.freshTables();
        deliveries = new DeliveryRepository(LocalDynamo.client(), tables.deliveries(), Clock.systemUTC(), Duration.ofDays(30));
    }

    private ProcessorHandler processorOver(DynamoDbClient dynamo) {
        return new ProcessorHandler(CATALOG, new DeliveryRepository(dynamo, tables.deliveries(), Clock.systemUTC(), Duration.ofDays(30)),
                new RateLimiter(dynamo, tables.recipients()), dispatched::addAll, Clock.systemUTC(), NotificationMetrics.NONE, null, RetryBackoff.DEFAULT, new FanOutProgress(dynamo, tables.deliveries(), Clock.systemUTC(), Duration.ofDays(30)), Waiting.immediate(dynamo, tables.deliveries()));
    }

    private static EnrichedEvent bookingFor(String... recipientIds) {
        EventEnvelope event = EventEnvelope.create("demo.app", "booking.created", Json.parse("{\"userId\":\"u1\"}"));
        List<ResolvedRecipient> recipients = new ArrayList<>();
        for (String id : recipientIds) {
            recipients.add(new ResolvedRecipient(id, null, List.of(), null, false));
        }
        return EnrichedEvent.of("booking.created", event, event.detail(), recipients);
    }

    @Test
    void handle_recipientIdOf10000Characters_isRecordedOnceAsInvalidEventAndNothingIsSent() {
        // given: an id enrichment would have refused, reaching the processor anyway
        ProcessorHandler processor = processorOver(LocalDynamo.client());
        EnrichedEvent event = bookingFor("u1", "u".repeat(10_000));

        // when
        RoutingResult first = processor.route(event);
        RoutingResult repeat = processor.route(event);

        // then
        assertThat(first.rejection()).isEqualTo("invalid_event: recipient id of 10000 bytes makes the delivery's sort key 10026 bytes;"
                + " DynamoDB takes at most 1024");
        assertThat(repeat.duplicates()).isEqualTo(1);
        assertThat(dispatched).isEmpty();
        assertThat(deliveries.forNotification(event.event().id())).singleElement().satisfies(d -> {
            assertThat(d.recipientId()).isEqualTo("-");
            assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(d.reason()).startsWith("invalid_event: recipient id of 10000 bytes");
        });
    }

    @Test
    void handle_dynamoRefusingADelivery_isRecordedAsInvalidEventNotThrown() {
        // given: DynamoDB Local refuses one delivery's item as over 400 KB
        ProcessorHandler processor = processorOver(new OversizingDynamo(LocalDynamo.client(), "oversized"));
        EnrichedEvent event = bookingFor("oversized");

        // when
        RoutingResult result = processor.route(event);

        // then
        assertThat(result.rejection()).startsWith("invalid_event: DynamoDB refused the event's deliveries: ").containsIgnoringCase("size");
        assertThat(dispatched).isEmpty();
        List<Delivery> recorded = deliveries.forNotification(event.event().id());
        assertThat(recorded).filteredOn(d -> d.status() == DeliveryStatus.FAILED).singleElement()
                .satisfies(d -> assertThat(d.recipientId()).isEqualTo("-"));
    }

    /** Passes everything to DynamoDB Local, but adds 400 KB to the items of one recipient's deliveries. */
    private record OversizingDynamo(DynamoDbClient delegate, String recipientId) implements DynamoDbClient {

        @Override
        public PutItemResponse putItem(PutItemRequest request) {
            AttributeValue recipient = request.item().get("recipientId");
            if (recipient == null || !recipient.s().equals(recipientId)) {
                return delegate.putItem(request);
            }
            Map<String, AttributeValue> item = new HashMap<>(request.item());
            item.put("padding", AttributeValue.fromS("p".repeat(400 * 1024)));
            return delegate.putItem(request.toBuilder().item(item).build());
        }

        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            return delegate.getItem(request);
        }

        @Override
        public QueryResponse query(QueryRequest request) {
            return delegate.query(request);
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
        }
    }
}
