package dev.herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.catalog.Channel;
import dev.herald.fanout.FanOutProgress;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeliveryRepositoryTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    private DeliveryRepository deliveries;
    private String table;

    @BeforeEach
    void freshTables() {
        table = LocalDynamo.freshTables().deliveries();
        deliveries = new DeliveryRepository(LocalDynamo.client(), table,
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(30));
    }

    private static DeliveryKey key(String recipient, Channel channel) {
        return new DeliveryKey("evt-1", "booking.created", channel, recipient);
    }

    @Test
    void createAll_sameKeysTwice_createsEachOnce() {
        // given
        List<Delivery> batch = List.of(Delivery.pending(key("u1", Channel.EMAIL), NOW, null),
                Delivery.pending(key("u2", Channel.EMAIL), NOW, null));

        // when
        List<Delivery> first = deliveries.createAll(batch);
        List<Delivery> second = deliveries.createAll(batch);

        // then
        assertThat(first).hasSize(2);
        assertThat(second).isEmpty();
        assertThat(deliveries.forNotification("evt-1")).hasSize(2);
    }

    @Test
    void createAll_manyWithSomeExisting_createsOnlyTheNewOnesAndKeepsTheirOrder() {
        // given: 300 deliveries, every third of which an earlier attempt created
        List<Delivery> batch = IntStream.range(0, 300)
                .mapToObj(i -> Delivery.pending(key("u" + i, Channel.EMAIL), NOW, null)).toList();
        deliveries.createAll(IntStream.range(0, 300).filter(i -> i % 3 == 0).mapToObj(batch::get).toList());

        // when
        List<Delivery> created = deliveries.createAll(batch);

        // then
        assertThat(created).hasSize(200).containsExactlyElementsOf(
                IntStream.range(0, 300).filter(i -> i % 3 != 0).mapToObj(batch::get).toList());
        assertThat(deliveries.forNotification("evt-1")).hasSize(300);
    }

    @Test
    void forNotification_leavesOutTheFanOutProgress_andStopsAtTheLimit() {
        // given: a topic notification's deliveries beside its fan-out progress and page markers
        deliveries.createAll(IntStream.range(0, 30).mapToObj(i -> Delivery.pending(key("u" + i, Channel.WEBSOCKET), NOW, null)).toList());
        FanOutProgress progress = new FanOutProgress(LocalDynamo.client(), table, Clock.systemUTC(), Duration.ofDays(1));
        progress.start("evt-1", "booking.created", List.of("travel"));
        progress.completePage("evt-1", 0, 30, 1, true);

        // when / then
        assertThat(deliveries.forNotification("evt-1")).hasSize(30);
        assertThat(deliveries.forNotification("evt-1", 10)).hasSize(10);
        assertThat(progress.find("evt-1")).hasValueSatisfying(p -> assertThat(p.membersResolved()).isEqualTo(30));
        assertThat(progress.completePage("evt-1", 0, 30, 1, true)).as("a page is counted once").isFalse();
        assertThat(progress.find("evt-1").orElseThrow().membersResolved()).isEqualTo(30);
    }

    @Test
    void claim_pendingDelivery_movesToSendingOnce() {
        // given
        deliveries.create(Delivery.pending(key("u1", Channel.WEBSOCKET), NOW, null));

        // when
        var first = deliveries.claim(key("u1", Channel.WEBSOCKET));
        var second = deliveries.claim(key("u1", Channel.WEBSOCKET));

        // then
        assertThat(first).hasValueSatisfying(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SENDING);
            assertThat(d.attempts()).isEqualTo(1);
        });
        assertThat(second).isEmpty();
    }

    @Test
    void claim_missingDelivery_claimsNothing() {
        assertThat(deliveries.claim(key("nobody", Channel.EMAIL))).isEmpty();
    }

    @Test
    void finish_claimedDelivery_recordsStatusAndReason() {
        // given
        deliveries.create(Delivery.pending(key("u1", Channel.PUSH), NOW, null));
        deliveries.claim(key("u1", Channel.PUSH));

        // when
        deliveries.finish(key("u1", Channel.PUSH), DeliveryStatus.FAILED, DeliveryReason.ENDPOINT_DISABLED);

        // then
        Delivery stored = deliveries.find(key("u1", Channel.PUSH)).orElseThrow();
        assertThat(stored.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(stored.reason()).isEqualTo("endpoint_disabled");
    }

    @Test
    void finish_unclaimedDelivery_isRefused() {
        // given
        deliveries.create(Delivery.pending(key("u1", Channel.EMAIL), NOW, null));

        // then
        assertThatThrownBy(() -> deliveries.finish(key("u1", Channel.EMAIL), DeliveryStatus.SENT, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not SENDING");
    }

    @Test
    void release_afterTransientError_allowsAnotherClaim() {
        // given
        deliveries.create(Delivery.pending(key("u1", Channel.EMAIL), NOW, null));
        deliveries.claim(key("u1", Channel.EMAIL));

        // when
        deliveries.release(key("u1", Channel.EMAIL), DeliveryReason.TRANSIENT_ERROR);
        var again = deliveries.claim(key("u1", Channel.EMAIL));

        // then
        assertThat(again).hasValueSatisfying(d -> assertThat(d.attempts()).isEqualTo(2));
    }

    @Test
    void release_withPayload_keepsTheInboxItem() {
        // given
        deliveries.create(Delivery.pending(key("u1", Channel.WEBSOCKET), NOW, null));
        deliveries.claim(key("u1", Channel.WEBSOCKET));

        // when
        deliveries.release(key("u1", Channel.WEBSOCKET), DeliveryReason.NO_CONNECTION, "{\"title\":\"Hi\"}");

        // then
        Delivery stored = deliveries.find(key("u1", Channel.WEBSOCKET)).orElseThrow();
        assertThat(stored.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(stored.payload()).isEqualTo("{\"title\":\"Hi\"}");
        assertThat(stored.reason()).isEqualTo("no_connection");
    }

    @Test
    void recordEngagement_movesAnEmailUpOnly_andNeverBackOrPastABounce() {
        // given: an email that went out, and one that bounced
        sent(key("u1", Channel.EMAIL));
        sent(key("u2", Channel.EMAIL));
        deliveries.recordFeedback(key("u2", Channel.EMAIL), true, DeliveryReason.BOUNCED);

        // when: SES reports a click first, then the open and the delivery it implies, and a click twice
        boolean clicked = deliveries.recordEngagement(key("u1", Channel.EMAIL), DeliveryStatus.CLICKED);
        boolean openedAfter = deliveries.recordEngagement(key("u1", Channel.EMAIL), DeliveryStatus.OPENED);
        boolean deliveredAfter = deliveries.recordEngagement(key("u1", Channel.EMAIL), DeliveryStatus.DELIVERED);
        boolean clickedAgain = deliveries.recordEngagement(key("u1", Channel.EMAIL), DeliveryStatus.CLICKED);
        boolean bouncedOpened = deliveries.recordEngagement(key("u2", Channel.EMAIL), DeliveryStatus.OPENED);

        // then
        assertThat(clicked).isTrue();
        assertThat(List.of(openedAfter, deliveredAfter, clickedAgain, bouncedOpened)).containsOnly(false);
        assertThat(deliveries.find(key("u1", Channel.EMAIL)).orElseThrow().status()).isEqualTo(DeliveryStatus.CLICKED);
        assertThat(deliveries.find(key("u2", Channel.EMAIL)).orElseThrow().status()).isEqualTo(DeliveryStatus.FAILED);
        assertThatThrownBy(() -> deliveries.recordEngagement(key("u1", Channel.EMAIL), DeliveryStatus.READ))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordFeedback_complaintAfterDelivery_keepsTheStateAndRecordsTheReason() {
        // given: an email SES reported delivered
        sent(key("u1", Channel.EMAIL));
        deliveries.recordEngagement(key("u1", Channel.EMAIL), DeliveryStatus.DELIVERED);

        // when
        boolean recorded = deliveries.recordFeedback(key("u1", Channel.EMAIL), false, DeliveryReason.COMPLAINED);

        // then
        Delivery after = deliveries.find(key("u1", Channel.EMAIL)).orElseThrow();
        assertThat(recorded).isTrue();
        assertThat(after.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(after.reason()).isEqualTo(DeliveryReason.COMPLAINED);
    }

    private void sent(DeliveryKey key) {
        deliveries.create(Delivery.pending(key, NOW, null));
        deliveries.claim(key);
        deliveries.finish(key, DeliveryStatus.SENT, null);
    }
}
