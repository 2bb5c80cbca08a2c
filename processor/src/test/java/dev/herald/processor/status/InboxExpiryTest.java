package dev.herald.processor.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.inbox.InboxAction;
import dev.herald.inbox.InboxStore;
import dev.herald.json.Json;
import dev.herald.testing.LocalDynamo;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** Unread in-app items that TTL removes leave their users' counts with them. */
class InboxExpiryTest {

    private final Clock clock = Clock.systemUTC();
    private DeliveryRepository deliveries;
    private InboxStore inbox;

    @BeforeEach
    void freshTables() {
        String table = LocalDynamo.freshTables().deliveries();
        deliveries = new DeliveryRepository(LocalDynamo.client(), table, clock, Duration.ofDays(30));
        inbox = new InboxStore(LocalDynamo.client(), table, clock, deliveries);
    }

    private DeliveryKey delivered(String notificationId) {
        DeliveryKey key = new DeliveryKey(notificationId, "booking.created", Channel.WEBSOCKET, "gail");
        deliveries.create(Delivery.pending(key, clock.instant(), null));
        deliveries.claim(key);
        inbox.enter(key, DeliveryStatus.SENT, null, "{}");
        return key;
    }

    /** The stream record TTL writes when it removes an item in {@code state}. */
    private static JsonNode removal(String notificationId, String state) {
        return Json.parse("""
                {"eventName":"REMOVE","userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"},
                 "dynamodb":{"OldImage":{"pk":{"S":"%s"},"sk":{"S":"booking.created#websocket#gail"},"recipientId":{"S":"gail"},
                 "status":{"S":"SENT"},"inbox":{"S":"%s"}}}}""".formatted(notificationId, state));
    }

    @Test
    void ttlRemovingUnreadItems_takesEachOutOfTheCountsOnce_evenWhenTheStreamHandsItOverTwice() {
        // given: four items, one read, one seen, and one that stays
        delivered("n1");
        delivered("n4");
        DeliveryKey seen = delivered("n2");
        DeliveryKey read = delivered("n3");
        inbox.apply("gail", InboxAction.SEEN, List.of(seen));
        inbox.apply("gail", InboxAction.READ, List.of(read));
        StatusEventsHandler handler = new StatusEventsHandler(EventBridgeClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:9")).build(), "herald", inbox);
        var batch = Json.object();
        batch.putArray("Records").add(removal("n1", "unseen")).add(removal("n2", "seen")).add(removal("n3", "read"))
                .add(removal("n1", "unseen"));

        // when: TTL removes all three, and the stream hands the first removal over twice
        handler.handle(batch);

        // then: only the item that stays is counted
        assertThat(inbox.counts("gail")).isEqualTo(new InboxStore.Counts(1, 1));
    }
}
