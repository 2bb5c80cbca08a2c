package dev.herald.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A critical direct-send type is no open relay: each publishing source gets a limited number of events per window. */
class SourceRateLimitTest {

    private static final Catalog CATALOG = CatalogLoader.parse("test-catalog.yaml", """
            defaults:
              email: { from: "Herald <n@example.com>" }
            types:
              mail.out:
                recipients: { email: detail.to }
                category: transactional
                priority: critical
                channels: [email]
                sourceRateLimit: { max: 2, per: 1h }
            """);

    private final List<Dispatch> dispatched = new ArrayList<>();
    private DeliveryRepository deliveries;
    private ProcessorHandler processor;

    @BeforeEach
    void setUp() {
        HeraldTables.Names tables = LocalDynamo.freshTables();
        deliveries = new DeliveryRepository(LocalDynamo.client(), tables.deliveries(), Clock.systemUTC(), Duration.ofDays(30));
        processor = new ProcessorHandler(CATALOG, deliveries, new RateLimiter(LocalDynamo.client(), tables.recipients()), dispatched::addAll,
                Clock.systemUTC(), NotificationMetrics.NONE, null, RetryBackoff.DEFAULT,
                new FanOutProgress(LocalDynamo.client(), tables.deliveries(), Clock.systemUTC(), Duration.ofDays(30)), Waiting.immediate(LocalDynamo.client(), tables.deliveries()));
    }

    private static EnrichedEvent mailFrom(String source, String... addresses) {
        EventEnvelope event = EventEnvelope.create(source, "mail.out", Json.parse("{\"to\":\"a@example.com\"}"));
        List<ResolvedRecipient> recipients = new ArrayList<>();
        for (String address : addresses) {
            recipients.add(new ResolvedRecipient("email-" + address.hashCode(), null, List.of(), address, false));
        }
        return EnrichedEvent.of("mail.out", event, event.detail(), recipients);
    }

    @Test
    void handle_sourceOverItsLimit_skipsEveryDeliveryOfTheEventWithReason() {
        // given
        EnrichedEvent first = mailFrom("app.a", "a@example.com");
        processor.route(first);
        processor.route(first); // a repeat counts nothing
        processor.route(mailFrom("app.a", "b@example.com"));
        dispatched.clear();

        // when
        EnrichedEvent third = mailFrom("app.a", "c@example.com", "d@example.com");
        RoutingResult result = processor.route(third);

        // then
        assertThat(result.dispatched()).isZero();
        assertThat(result.skipped()).isEqualTo(2);
        assertThat(dispatched).isEmpty();
        assertThat(deliveries.forNotification(third.event().id())).hasSize(2).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SKIPPED);
            assertThat(d.reason()).isEqualTo("source_rate_limited");
        });
    }

    @Test
    void handle_eventInSeveralUnits_isCountedOnce_andAllowedOrSkippedWhole() {
        // given: one allowed event left in the window; the next event travels in two units, and so does the one after
        processor.route(mailFrom("app.a", "a@example.com"));
        EnrichedEvent split = mailFrom("app.a", "b@example.com", "c@example.com");
        EnrichedEvent over = mailFrom("app.a", "d@example.com", "e@example.com");

        // when
        processor.route(split.withRecipients(split.recipients().subList(0, 1)));
        processor.route(split.withRecipients(split.recipients().subList(1, 2)));
        processor.route(over.withRecipients(over.recipients().subList(0, 1)));
        processor.route(over.withRecipients(over.recipients().subList(1, 2)));

        // then
        assertThat(deliveries.forNotification(split.event().id())).hasSize(2)
                .allSatisfy(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING));
        assertThat(deliveries.forNotification(over.event().id())).hasSize(2).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SKIPPED);
            assertThat(d.reason()).isEqualTo("source_rate_limited");
        });
    }

    @Test
    void handle_anotherSource_hasItsOwnLimit() {
        // given
        processor.route(mailFrom("app.a", "a@example.com"));
        processor.route(mailFrom("app.a", "b@example.com"));
        dispatched.clear();

        // when
        RoutingResult result = processor.route(mailFrom("app.b", "c@example.com"));

        // then
        assertThat(result.dispatched()).isEqualTo(1);
        assertThat(dispatched).hasSize(1);
    }
}
