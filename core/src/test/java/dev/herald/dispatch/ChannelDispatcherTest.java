package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.json.Json;
import dev.herald.observability.NotificationMetrics;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ChannelDispatcherTest {

    private final DeliveryRepository deliveries = new DeliveryRepository(LocalDynamo.client(), LocalDynamo.freshTables().deliveries(),
            Clock.systemUTC(), Duration.ofDays(1));
    private final ChannelDispatcher dispatcher = new ChannelDispatcher(Channel.EMAIL, deliveries, NotificationMetrics.NONE, 4);
    private final AtomicInteger sends = new AtomicInteger();

    private static Dispatch dispatchTo(Channel channel, String... recipients) {
        return new Dispatch("n-1", "booking.created", channel, Instant.now(), Json.object(),
                Arrays.stream(recipients).map(r -> new DispatchRecipient(r, "en", "UTC", null, r + "@example.com", List.of())).toList());
    }

    @Test
    void dispatch_deliveryAlreadySent_isNotSentAgain() {
        // given
        Dispatch dispatch = dispatchTo(Channel.EMAIL, "u1");
        DeliveryKey key = dispatch.keyFor(dispatch.recipients().getFirst());
        deliveries.create(Delivery.outcome(key, DeliveryStatus.SENT, null, Instant.now()));

        // when
        DispatchResult result = dispatcher.dispatch(dispatch, (recipient, k, claimed) -> {
            sends.incrementAndGet();
            return RecipientOutcome.SENT;
        });

        // then
        assertThat(sends).hasValue(0);
        assertThat(result.alreadyHandled()).isEqualTo(1);
        assertThat(result.sent()).isZero();
    }

    @Test
    void dispatch_sendThatBlowsUp_returnsItsDeliveryToPendingAndAsksForARetry() {
        // given: two recipients, the second's send fails before it finishes
        Dispatch dispatch = dispatchTo(Channel.EMAIL, "u1", "u2");
        dispatch.recipients().forEach(r -> deliveries.create(Delivery.pending(dispatch.keyFor(r), Instant.now(), null)));

        // when
        assertThatThrownBy(() -> dispatcher.dispatch(dispatch, (recipient, key, claimed) -> {
            if (recipient.id().equals("u2")) {
                throw new IllegalStateException("connection reset");
            }
            deliveries.finish(key, DeliveryStatus.SENT, null);
            return RecipientOutcome.SENT;
        })).isInstanceOf(TransientDispatchException.class).hasMessageContaining("1 of 2 recipients");

        // then: the sent one stays sent; the failed one can be claimed again, and only it is retried
        assertThat(deliveries.find(dispatch.keyFor(dispatch.recipients().get(0)))).hasValueSatisfying(d ->
                assertThat(d.status()).isEqualTo(DeliveryStatus.SENT));
        assertThat(deliveries.find(dispatch.keyFor(dispatch.recipients().get(1)))).hasValueSatisfying(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(d.reason()).isEqualTo(DeliveryReason.TRANSIENT_ERROR);
            assertThat(d.attempts()).isEqualTo(1);
        });
    }

    @Test
    void dispatch_forAnotherChannel_isRefusedAndClaimsNothing() {
        // given
        Dispatch dispatch = dispatchTo(Channel.PUSH, "u1");
        deliveries.create(Delivery.pending(dispatch.keyFor(dispatch.recipients().getFirst()), Instant.now(), null));

        // when / then
        assertThatThrownBy(() -> dispatcher.dispatch(dispatch, (recipient, key, claimed) -> RecipientOutcome.SENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the email channel received a dispatch for channel 'push'");
        assertThat(deliveries.find(dispatch.keyFor(dispatch.recipients().getFirst()))).hasValueSatisfying(d ->
                assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING));
    }

    @Test
    void submit_runsTheWorkWithTheCallersLogContext() {
        // given: the handler thread's log context, as Powertools sets it for an invocation
        ChannelDispatcher dispatcher = new ChannelDispatcher(Channel.WEBSOCKET,
                new DeliveryRepository(LocalDynamo.client(), LocalDynamo.freshTables().deliveries(), Clock.systemUTC(), Duration.ofDays(1)),
                NotificationMetrics.NONE, 4);
        MDC.setContextMap(Map.of("function_name", "herald-test-WebSocketChannel", "correlation_id", "evt-1"));
        try {
            // when
            Map<String, String> seen = ChannelDispatcher.await(dispatcher.submit(MDC::getCopyOfContextMap));

            // then: a line logged by the work is attributed like the handler's own
            assertThat(seen).containsEntry("function_name", "herald-test-WebSocketChannel").containsEntry("correlation_id", "evt-1");
        } finally {
            MDC.clear();
        }
    }
}
