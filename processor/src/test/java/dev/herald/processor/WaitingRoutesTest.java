package dev.herald.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.fanout.FanOutProgress;
import dev.herald.json.Json;
import dev.herald.observability.NotificationMetrics;
import dev.herald.queue.RetryBackoff;
import dev.herald.recipient.RecipientProfile;
import dev.herald.schedule.Cancellations;
import dev.herald.schedule.DigestBuckets;
import dev.herald.schedule.WakeUp;
import dev.herald.schedule.Waits;
import dev.herald.store.HeraldTables;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processor with types that wait: what it records, what it holds, and what limits and cancels do to it. */
class WaitingRoutesTest {

    private static final Catalog CATALOG = CatalogLoader.parse("test-catalog.yaml", """
            defaults: { email: { from: "n@example.com" } }
            categories:
              reminders: { rateLimit: { max: 1, per: 1h } }
            types:
              stay.reminder:
                recipients: { userId: detail.userId }
                category: reminders
                channels: [websocket, email]
                delay: 10m
                cancelOn: { event: stay.cancelled, match: detail.stayId }
            """);

    private final List<WakeUp> wakeUps = new CopyOnWriteArrayList<>();
    private DeliveryRepository deliveries;
    private Cancellations cancellations;
    private ProcessorHandler processor;

    @BeforeEach
    void freshTables() {
        HeraldTables.Names tables = LocalDynamo.freshTables();
        var dynamo = LocalDynamo.client();
        Duration retention = Duration.ofDays(30);
        deliveries = new DeliveryRepository(dynamo, tables.deliveries(), Clock.systemUTC(), retention);
        cancellations = new Cancellations(dynamo, tables.deliveries(), Clock.systemUTC(), retention);
        Waiting waiting = new Waiting(new Waits(dynamo, tables.deliveries(), retention), wakeUps::add, cancellations,
                new DigestBuckets(dynamo, tables.deliveries(), Clock.systemUTC(), retention));
        processor = new ProcessorHandler(CATALOG, deliveries, new RateLimiter(dynamo, tables.recipients()), dispatches -> { },
                Clock.systemUTC(), NotificationMetrics.NONE, null, RetryBackoff.DEFAULT,
                new FanOutProgress(dynamo, tables.deliveries(), Clock.systemUTC(), retention), waiting);
    }

    private static EnrichedEvent stay(String stayId) {
        EventEnvelope event = EventEnvelope.create("demo.app", "stay.reminder", Json.parse("{\"userId\":\"u1\",\"stayId\":\"" + stayId + "\"}"));
        RecipientProfile profile = new RecipientProfile("u1", "en", "UTC", "u1@example.com", null, Map.of(), null, Instant.now());
        return EnrichedEvent.of("stay.reminder", event, event.detail(), List.of(new ResolvedRecipient("u1", profile, List.of(), "u1@example.com", false)));
    }

    private Map<String, Delivery> byChannel(EnrichedEvent event) {
        Map<String, Delivery> map = new java.util.HashMap<>();
        deliveries.forNotification(event.event().id()).forEach(d -> map.put(d.channel().id(), d));
        return map;
    }

    @Test
    void delayedType_recordsScheduledDeliveries_andHoldsOneWaitForBothChannels() {
        // when
        EnrichedEvent event = stay("S1");
        processor.route(event);

        // then
        assertThat(byChannel(event).values()).hasSize(2).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SCHEDULED);
            assertThat(d.reason()).isEqualTo(DeliveryReason.DELAYED);
            assertThat(d.dueAt()).isAfter(Instant.now().plus(Duration.ofMinutes(9)));
        });
        assertThat(wakeUps).singleElement().satisfies(w -> assertThat(w.pk()).isEqualTo(event.event().id()));
    }

    @Test
    void routedAgain_holdsTheSameWaitForTheSameTime() {
        // when: the same unit twice, as a retry delivers it
        EnrichedEvent event = stay("S1");
        processor.route(event);
        processor.route(event);

        // then: the delay counts from the event's time, so both wake-ups name one wait
        assertThat(wakeUps).hasSize(2);
        assertThat(wakeUps.get(0)).isEqualTo(wakeUps.get(1));
    }

    @Test
    void waitingDeliveries_countAgainstTheCategoryRateLimit_andTheExcessIsWithdrawnAndNotHeld() {
        // when: two reminders for one recipient within the hour, the category allowing one
        processor.route(stay("S1"));
        EnrichedEvent second = stay("S2");
        processor.route(second);

        // then
        assertThat(byChannel(second).values()).hasSize(2).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SKIPPED);
            assertThat(d.reason()).isEqualTo(DeliveryReason.RATE_LIMITED);
        });
        assertThat(wakeUps).hasSize(1);
    }

    @Test
    void cancelThatArrivedBeforeTheEvent_withdrawsItAsItIsRouted() {
        // given: the cancel is recorded first
        EnrichedEvent event = stay("S9");
        cancellations.cancel("stay.reminder", "S9", event.event().time().plusSeconds(1));

        // when
        processor.route(event);

        // then
        assertThat(byChannel(event).values()).hasSize(2).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SKIPPED);
            assertThat(d.reason()).isEqualTo(DeliveryReason.CANCELLED);
        });
        assertThat(wakeUps).isEmpty();
    }
}
