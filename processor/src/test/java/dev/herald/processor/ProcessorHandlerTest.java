package dev.herald.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
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
import dev.herald.queue.BatchResponse;
import dev.herald.queue.QueueBatch;
import dev.herald.queue.RetryBackoff;
import dev.herald.store.HeraldTables;
import dev.herald.testing.LocalDynamo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProcessorHandlerTest {

    private static final Catalog CATALOG = CatalogLoader.load(Path.of("../templates/catalog.yaml"));

    private final List<Dispatch> dispatched = new ArrayList<>();
    private DeliveryRepository deliveries;
    private ProcessorHandler processor;

    private HeraldTables.Names tables;

    @BeforeEach
    void freshTables() {
        tables = LocalDynamo.freshTables();
        deliveries = new DeliveryRepository(LocalDynamo.client(), tables.deliveries(), Clock.systemUTC(), Duration.ofDays(30));
        processor = processorFor(CATALOG);
    }

    private ProcessorHandler processorFor(Catalog catalog) {
        return new ProcessorHandler(catalog, deliveries, new RateLimiter(LocalDynamo.client(), tables.recipients()), dispatched::addAll,
                Clock.systemUTC(), NotificationMetrics.NONE, null, RetryBackoff.DEFAULT, new FanOutProgress(LocalDynamo.client(), tables.deliveries(), Clock.systemUTC(), Duration.ofDays(30)), Waiting.immediate(LocalDynamo.client(), tables.deliveries()));
    }

    private static EnrichedEvent bookingFor(List<ResolvedRecipient> recipients) {
        EventEnvelope event = EventEnvelope.create("demo.app", "booking.created", Json.parse("{\"userId\":\"u1\"}"));
        return EnrichedEvent.of("booking.created", event, event.detail(), recipients);
    }

    @Test
    void handle_recipientWithoutContactPoints_dispatchesInboxAndRecordsSkips() {
        // given
        EnrichedEvent event = bookingFor(List.of(new ResolvedRecipient("u1", null, List.of(), null, false)));

        // when
        RoutingResult result = processor.route(event);

        // then
        assertThat(result.dispatched()).isEqualTo(1);
        assertThat(dispatched).singleElement().satisfies(d -> {
            assertThat(d.channel()).isEqualTo(Channel.WEBSOCKET);
            assertThat(d.recipients()).singleElement().satisfies(r -> assertThat(r.locale()).isEqualTo("en"));
        });
        assertThat(deliveries.forNotification(event.event().id()))
                .extracting(d -> d.channel().id() + ":" + d.status() + ":" + d.reason())
                .containsExactlyInAnyOrder("websocket:PENDING:null", "push:SKIPPED:no_device", "email:SKIPPED:no_address");
    }

    @Test
    void handle_sameEventTwice_dispatchesOnce() {
        // given
        EnrichedEvent event = bookingFor(List.of(new ResolvedRecipient("u1", null, List.of(), "u1@example.com", false)));
        processor.route(event);
        dispatched.forEach(d -> d.recipients().forEach(r -> deliveries.claim(d.keyFor(r))));
        dispatched.clear();

        // when
        RoutingResult second = processor.route(event);

        // then
        assertThat(second.dispatched()).isZero();
        assertThat(second.duplicates()).isEqualTo(3);
        assertThat(dispatched).isEmpty();
    }

    @Test
    void handle_repeatAfterLostHandOff_dispatchesTheUnsentAgain() {
        // given: a first run recorded PENDING deliveries but its hand-off never reached the channel
        EnrichedEvent event = bookingFor(List.of(new ResolvedRecipient("u1", null, List.of(), "u1@example.com", false)));
        processor.route(event);
        dispatched.clear();

        // when
        processor.route(event);

        // then
        assertThat(dispatched).extracting(Dispatch::channel).containsExactlyInAnyOrder(Channel.WEBSOCKET, Channel.EMAIL);
    }

    @Test
    void handle_manyRecipients_batchesDispatchesPerChannel() {
        // given
        List<ResolvedRecipient> recipients = IntStream.range(0, 250)
                .mapToObj(i -> new ResolvedRecipient("u" + i, null, List.of(), null, false)).toList();

        // when
        processor.route(bookingFor(recipients));

        // then
        assertThat(dispatched).extracting(d -> d.recipients().size()).containsExactly(50, 50, 50, 50, 50);
    }

    @Test
    void handle_unitOfAThousandRecipients_recordsEveryDeliveryAndDispatchesInBatchesOfFifty() {
        // given: a topic's 1,000 members, each with a phone and an address
        List<ResolvedRecipient> members = IntStream.range(0, 1000)
                .mapToObj(i -> new ResolvedRecipient("member-" + i, null,
                        List.of(new dev.herald.recipient.Device("member-" + i, "phone", dev.herald.recipient.Platform.GCM, "t" + i, "arn:" + i, true, null)),
                        "member-" + i + "@example.com", false))
                .toList();
        EnrichedEvent event = bookingFor(members);

        // when
        RoutingResult result = processor.route(event);

        // then
        assertThat(deliveries.forNotification(event.event().id())).hasSize(3000)
                .allSatisfy(d -> assertThat(d.status()).isEqualTo(dev.herald.delivery.DeliveryStatus.PENDING));
        assertThat(dispatched).hasSize(60).allSatisfy(d -> assertThat(d.recipients()).hasSize(Dispatch.MAX_RECIPIENTS));
        assertThat(dispatched).extracting(Dispatch::channel).containsOnly(Channel.WEBSOCKET, Channel.PUSH, Channel.EMAIL);
        assertThat(result.dispatched()).isEqualTo(3000);
        assertThat(result.skipped()).isZero();
    }

    @Test
    void handle_rejectedEvent_isRecordedAsFailedWithReason() {
        // given
        EventEnvelope event = EventEnvelope.create("demo.app", "booking.created", Json.parse("{}"));

        // when
        RoutingResult result = processor.route(EnrichedEvent.rejected("booking.created", event, "missing_recipient: detail.userId is missing"));

        // then
        assertThat(result.rejection()).startsWith("missing_recipient");
        assertThat(deliveries.forNotification(event.id())).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(d.reason()).isEqualTo("missing_recipient: detail.userId is missing");
        });
        assertThat(dispatched).isEmpty();
    }

    @Test
    void handleRequest_queueBatch_routesEveryUnitAndReportsOnlyTheMessageThatCannotBeRead() throws Exception {
        // given: what the event source mapping hands over: two units, and a message that is not a unit
        EnrichedEvent first = bookingFor(List.of(new ResolvedRecipient("u1", null, List.of(), null, false)));
        EnrichedEvent second = bookingFor(List.of(new ResolvedRecipient("u2", null, List.of(), null, false)));
        QueueBatch batch = new QueueBatch(List.of(message("m1", Json.write(first)), message("m2", "not json"), message("m3", Json.write(second))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // when
        processor.handleRequest(new ByteArrayInputStream(Json.writeBytes(batch)), out, (Context) null);

        // then
        assertThat(Json.read(out.toString(StandardCharsets.UTF_8), BatchResponse.class).batchItemFailures())
                .extracting(BatchResponse.ItemFailure::itemIdentifier).containsExactly("m2");
        assertThat(deliveries.forNotification(first.event().id())).extracting(Delivery::status).contains(DeliveryStatus.PENDING);
        assertThat(deliveries.forNotification(second.event().id())).extracting(Delivery::status).contains(DeliveryStatus.PENDING);
    }

    private static QueueBatch.Message message(String id, String body) {
        return new QueueBatch.Message(id, "receipt-" + id, body, Map.of("ApproximateReceiveCount", "1"), QueueBatch.Message.EVENT_SOURCE,
                "arn:aws:sqs:us-east-1:000000000000:herald-processor");
    }

    @Test
    void handle_overCategoryRateLimit_skipsWithReason() {
        // given
        Catalog limited = CatalogLoader.parse("test-catalog.yaml", """
                categories:
                  bookings: { rateLimit: { max: 2, per: 1h } }
                types:
                  booking.created:
                    recipients: { userId: detail.userId }
                    category: bookings
                    channels: [websocket]
                """);
        ProcessorHandler processor = processorFor(limited);
        List<RoutingResult> results = new ArrayList<>();

        // when
        for (int i = 0; i < 3; i++) {
            results.add(processor.route(bookingFor(List.of(new ResolvedRecipient("u1", null, List.of(), null, false)))));
        }
        RoutingResult duplicateOfFirst = processor.route(new EnrichedEvent("booking.created", eventOf(results.getFirst()), null,
                List.of(new ResolvedRecipient("u1", null, List.of(), null, false)), null));

        // then
        assertThat(results).extracting(RoutingResult::dispatched).containsExactly(1, 1, 0);
        assertThat(deliveries.forNotification(results.get(2).eventId())).singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo("rate_limited"));
        assertThat(duplicateOfFirst.skipped()).isZero();
    }

    private EventEnvelope eventOf(RoutingResult result) {
        return new EventEnvelope("0", result.eventId(), "demo.app", "booking.created", null, java.time.Instant.now(), null, null,
                Json.parse("{\"userId\":\"u1\"}"));
    }
}
