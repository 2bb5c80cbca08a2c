package dev.herald.processor.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.json.Json;
import dev.herald.recipient.preferences.Preferences;
import dev.herald.recipient.preferences.PreferencesChangedEvent;
import dev.herald.recipient.preferences.PreferencesChangedMarks;
import dev.herald.store.HeraldTables;
import dev.herald.store.StreamRecords;
import dev.herald.store.StreamTail;
import dev.herald.testing.LocalDynamo;
import dev.herald.testing.PutEventsRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** Status events from the deliveries table's real stream (DynamoDB Local), published through the real EventBridge client. */
class StatusEventsHandlerTest {

    private PutEventsRecorder bus;
    private EventBridgeClient eventBridge;
    private DeliveryRepository deliveries;
    private StreamTail stream;
    private HeraldTables.Names tables;

    @BeforeEach
    void setUp() {
        bus = new PutEventsRecorder();
        eventBridge = EventBridgeClient.builder().endpointOverride(bus.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        tables = LocalDynamo.freshTables();
        deliveries = new DeliveryRepository(LocalDynamo.client(), tables.deliveries(), Clock.systemUTC(), Duration.ofDays(1));
        stream = new StreamTail(LocalDynamo.client(), LocalDynamo.streams(), tables.deliveries());
    }

    @AfterEach
    void tearDown() {
        eventBridge.close();
        bus.close();
    }

    @Test
    void handle_finalStates_publishOneEventEachFromHerald() {
        // given
        DeliveryKey sent = new DeliveryKey("evt-1", "booking.created", Channel.EMAIL, "u1");
        DeliveryKey skipped = new DeliveryKey("evt-1", "booking.created", Channel.PUSH, "u1");
        deliveries.create(Delivery.pending(sent, Instant.now(), null));
        deliveries.create(Delivery.outcome(skipped, DeliveryStatus.SKIPPED, DeliveryReason.NO_DEVICE, Instant.now()));
        deliveries.claim(sent);
        deliveries.finish(sent, DeliveryStatus.SENT, null);
        JsonNode batch = StreamRecords.toLambdaEvent(stream.poll(100));

        // when
        var result = new StatusEventsHandler(eventBridge, "herald").handle(batch);

        // then
        assertThat(result.events()).isEqualTo(1);
        assertThat(result.deliveries()).isEqualTo(2);
        JsonNode entry = bus.entries().getFirst();
        assertThat(entry.path("Source").asText()).isEqualTo("herald");
        assertThat(entry.path("DetailType").asText()).isEqualTo("Delivery Status");
        assertThat(entry.path("EventBusName").asText()).isEqualTo("herald");
        JsonNode detail = Json.parse(entry.path("Detail").asText());
        assertThat(detail.path("notificationId").asText()).isEqualTo("evt-1");
        assertThat(detail.path("type").asText()).isEqualTo("booking.created");
        assertThat(detail.path("deliveries")).extracting(d -> d.path("channel").asText() + ":" + d.path("status").asText() + ":" + d.path("reason").asText())
                .containsExactlyInAnyOrder("email:SENT:", "push:SKIPPED:no_device");
    }

    @Test
    void handle_emailEngagement_publishesDeliveredThenOpened_andNothingForARepeat() {
        // given: an email that went out, whose SENT was already published
        DeliveryKey key = new DeliveryKey("evt-open", "booking.created", Channel.EMAIL, "u1");
        deliveries.create(Delivery.pending(key, Instant.now(), null));
        deliveries.claim(key);
        deliveries.finish(key, DeliveryStatus.SENT, null);
        stream.poll(100);
        deliveries.recordEngagement(key, DeliveryStatus.DELIVERED);
        deliveries.recordEngagement(key, DeliveryStatus.OPENED);
        deliveries.recordEngagement(key, DeliveryStatus.OPENED);

        // when
        var result = new StatusEventsHandler(eventBridge, "herald").handle(StreamRecords.toLambdaEvent(stream.poll(100)));

        // then: each move is reported, in order (one event for the notification); the repeated open wrote nothing
        assertThat(DeliveryStatus.OPENED.isReported()).isTrue();
        assertThat(result).isEqualTo(new StatusEventsHandler.Result(1, 2, 0));
        JsonNode entry = bus.entries().getFirst();
        assertThat(entry.path("DetailType").asText()).isEqualTo("Delivery Status");
        assertThat(Json.parse(entry.path("Detail").asText()).path("deliveries")).extracting(d -> d.path("status").asText())
                .containsExactly("DELIVERED", "OPENED");
    }

    @Test
    void handle_nonFinalChanges_publishNothing() {
        // given
        DeliveryKey key = new DeliveryKey("evt-2", "booking.created", Channel.WEBSOCKET, "u1");
        deliveries.create(Delivery.pending(key, Instant.now(), null));
        deliveries.claim(key);
        deliveries.release(key, DeliveryReason.NO_CONNECTION, "{}");

        // when
        var result = new StatusEventsHandler(eventBridge, "herald").handle(StreamRecords.toLambdaEvent(stream.poll(100)));

        // then
        assertThat(result.events()).isZero();
        assertThat(bus.calls()).isEmpty();
    }

    @Test
    void handle_refusedEntries_failTheBatchForARetry() {
        // given
        bus.refuse(entry -> true);
        DeliveryKey key = new DeliveryKey("evt-3", "booking.created", Channel.PUSH, "u1");
        deliveries.create(Delivery.outcome(key, DeliveryStatus.SKIPPED, DeliveryReason.NO_DEVICE, Instant.now()));
        JsonNode batch = StreamRecords.toLambdaEvent(stream.poll(100));

        // then
        assertThatThrownBy(() -> new StatusEventsHandler(eventBridge, "herald").handle(batch))
                .hasMessageContaining("will be retried");
    }

    @Test
    void handle_newUnsubscribeMark_publishesRecipientUnsubscribed_withoutTheAddress() {
        // given: an email delivery whose unsubscribe link was used (the mark written with the unsubscribe)
        DeliveryKey key = new DeliveryKey("evt-4", "booking.created", Channel.EMAIL, "u1");
        deliveries.create(Delivery.pending(key, Instant.now(), null));
        deliveries.claim(key);
        deliveries.finish(key, DeliveryStatus.SENT, null);
        stream.poll(100);
        Instant before = Instant.now();
        mark(key, "bookings");

        // when
        var result = new StatusEventsHandler(eventBridge, "herald").handle(StreamRecords.toLambdaEvent(stream.poll(100)));

        // then: one Recipient Unsubscribed, and no second Delivery Status for the delivery that was already SENT
        assertThat(result).isEqualTo(new StatusEventsHandler.Result(1, 0, 1));
        JsonNode entry = bus.entries().getFirst();
        assertThat(entry.path("Source").asText()).isEqualTo("herald");
        assertThat(entry.path("DetailType").asText()).isEqualTo(RecipientUnsubscribedEvent.DETAIL_TYPE).isEqualTo("Recipient Unsubscribed");
        assertThat(entry.path("EventBusName").asText()).isEqualTo("herald");
        RecipientUnsubscribedEvent event = Json.read(entry.path("Detail").asText(), RecipientUnsubscribedEvent.class);
        assertThat(event.recipientId()).isEqualTo("u1");
        assertThat(event.category()).isEqualTo("bookings");
        assertThat(event.channel()).isEqualTo("email");
        assertThat(event.notificationId()).isEqualTo("evt-4");
        assertThat(event.at()).isBetween(before, Instant.now());
        assertThat(Json.parse(entry.path("Detail").asText()).properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("recipientId", "category", "channel", "notificationId", "at");
    }

    @Test
    void handle_laterWritesToAMarkedDelivery_announceTheUnsubscribeOnce() {
        // given: a marked delivery that then reaches its final state (a bounce report, say)
        DeliveryKey key = new DeliveryKey("evt-5", "booking.created", Channel.EMAIL, "u1");
        deliveries.create(Delivery.pending(key, Instant.now(), null));
        deliveries.claim(key);
        mark(key, "bookings");
        deliveries.finish(key, DeliveryStatus.SENT, null);
        deliveries.recordFeedback(key, true, "bounced");

        // when
        var result = new StatusEventsHandler(eventBridge, "herald").handle(StreamRecords.toLambdaEvent(stream.poll(100)));

        // then
        assertThat(result.unsubscribes()).isEqualTo(1);
        assertThat(bus.entries()).extracting(e -> e.path("DetailType").asText())
                .containsOnlyOnce("Recipient Unsubscribed").contains("Delivery Status");
    }

    @Test
    void handle_preferenceChangeMark_publishesRecipientPreferencesChanged_once() {
        // given: a preference change's mark, written as the preference centre writes it, then expired by TTL
        Instant at = Instant.parse("2026-12-05T10:00:00Z");
        var event = new PreferencesChangedEvent("u1", List.of("categories.bookings.email"),
                new Preferences("u1", null, null, null, "default", List.of()), at);
        LocalDynamo.client().transactWriteItems(r -> r.transactItems(new PreferencesChangedMarks(tables.deliveries()).mark(event)));
        var items = LocalDynamo.client().query(q -> q.tableName(tables.deliveries()).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("#prefs#u1"))))
                .items();
        LocalDynamo.client().deleteItem(r -> r.tableName(tables.deliveries()).key(Map.of("pk", items.getFirst().get("pk"),
                "sk", items.getFirst().get("sk"))));

        // when
        var result = new StatusEventsHandler(eventBridge, "herald").handle(StreamRecords.toLambdaEvent(stream.poll(100)));

        // then: the detail as written with the change, from Herald, once
        assertThat(result.events()).isEqualTo(1);
        JsonNode entry = bus.entries().getFirst();
        assertThat(entry.path("Source").asText()).isEqualTo("herald");
        assertThat(entry.path("DetailType").asText()).isEqualTo(PreferencesChangedEvent.DETAIL_TYPE).isEqualTo("Recipient Preferences Changed");
        assertThat(Json.parse(entry.path("Detail").asText())).isEqualTo(Json.parse(Json.write(event)));
    }

    private void mark(DeliveryKey key, String category) {
        LocalDynamo.client().transactWriteItems(r -> r.transactItems(deliveries.unsubscribeMark(key, category)));
    }
}
