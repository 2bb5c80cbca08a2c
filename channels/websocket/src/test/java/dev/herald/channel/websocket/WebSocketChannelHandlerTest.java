package dev.herald.channel.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionRepository;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.dispatch.DispatchResult;
import dev.herald.dispatch.TransientDispatchException;
import dev.herald.fanout.FanOutProgress;
import dev.herald.inbox.InboxStore;
import dev.herald.json.Json;
import dev.herald.local.aws.LocalAws;
import dev.herald.local.aws.ManagementApi;
import dev.herald.observability.NotificationMetrics;
import dev.herald.queue.TokenBucket;
import dev.herald.store.HeraldTables;
import dev.herald.templates.testing.TestTemplates;
import dev.herald.testing.LocalDynamo;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

class WebSocketChannelHandlerTest {

    private final Clock clock = Clock.systemUTC();
    private LocalAws aws;
    private ApiGatewayManagementApiClient managementApi;
    private ConnectionRepository connections;
    private DeliveryRepository deliveries;
    private WebSocketChannelHandler handler;
    private HeraldTables.Names tables;

    @BeforeEach
    void setUp() {
        aws = LocalAws.start();
        managementApi = aws.client(ApiGatewayManagementApiClient.builder());
        tables = LocalDynamo.freshTables();
        connections = new ConnectionRepository(LocalDynamo.client(), tables.connections(), clock);
        deliveries = new DeliveryRepository(LocalDynamo.client(), tables.deliveries(), clock, Duration.ofDays(30));
        handler = new WebSocketChannelHandler(connections, deliveries, inbox(), managementApi, TestTemplates.renderer(), NotificationMetrics.NONE,
                aws.channelQueue("channel", TokenBucket.unlimited(), Duration.ZERO,
                        new FanOutProgress(LocalDynamo.client(), tables.deliveries(), clock, Duration.ofDays(30))));
    }

    private InboxStore inbox() {
        return new InboxStore(LocalDynamo.client(), tables.deliveries(), clock, deliveries);
    }

    /** The in-app items posted to a connection, without the counts that follow each. */
    private List<String> itemFrames(String connectionId) {
        return aws.connections().framesFor(connectionId).stream().filter(f -> !Json.parse(f).has("event")).toList();
    }

    @AfterEach
    void tearDown() {
        aws.close();
    }

    @Test
    void handle_whenUserHasManyConnections_postsTheItemToEveryOneAndMarksSent() {
        // given
        connect("L0SM9cOFvHcCIhw=", "alice");
        connect("c2", "alice");
        connect("c3", "alice");
        connect("c4", "bob");
        Dispatch dispatch = dispatch(recipient("alice", "en"));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result).isEqualTo(new DispatchResult(1, 0, 0, 0, 0));
        for (String c : List.of("L0SM9cOFvHcCIhw=", "c2", "c3")) {
            assertThat(itemFrames(c)).hasSize(1);
        }
        assertThat(itemFrames("c4")).isEmpty();
        JsonNode frame = Json.parse(itemFrames("L0SM9cOFvHcCIhw=").getFirst());
        assertThat(frame.get("id").asText()).isEqualTo(dispatch.notificationId() + "/booking.created");
        assertThat(frame.get("state").asText()).isEqualTo("unseen");
        assertThat(aws.connections().framesFor("c2")).as("the item, then the counts")
                .last().satisfies(counts -> assertThat(Json.parse(counts).get("counts").get("unread").asLong()).isEqualTo(1));
        assertThat(frame.get("type").asText()).isEqualTo("booking.created");
        assertThat(frame.get("title").asText()).isEqualTo("Booking confirmed");
        assertThat(frame.get("body").asText()).isEqualTo("Your booking at Hotel Nord is confirmed.");
        assertThat(frame.get("data").get("hotel").asText()).isEqualTo("Hotel Nord");
        assertThat(Instant.parse(frame.get("createdAt").asText())).isNotNull();
        Delivery delivery = deliveries.find(key(dispatch, "alice")).orElseThrow();
        assertThat(delivery.status()).isEqualTo(DeliveryStatus.SENT);
        assertThat(Json.parse(delivery.payload())).isEqualTo(frame);
    }

    @Test
    void handle_rendersTheRecipientsLocale() {
        // given
        connect("c1", "amelie");
        Dispatch dispatch = dispatch(recipient("amelie", "fr-CA"));

        // when
        handler.deliver(dispatch);

        // then
        JsonNode frame = Json.parse(itemFrames("c1").getFirst());
        assertThat(frame.get("title").asText()).isEqualTo("Réservation confirmée");
        assertThat(frame.get("body").asText()).isEqualTo("Votre réservation à Hotel Nord est confirmée.");
    }

    @Test
    void handle_whenOneConnectionIsGone_deletesItAndStillDeliversToTheOthers() {
        // given
        connect("live-1", "alice");
        connectedAMinuteAgo("stale", "alice");
        connect("live-2", "alice");
        aws.connections().close("stale");
        Dispatch dispatch = dispatch(recipient("alice", "en"));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result.sent()).isEqualTo(1);
        assertThat(itemFrames("live-1")).hasSize(1);
        assertThat(itemFrames("live-2")).hasSize(1);
        assertThat(connections.find("stale")).isEmpty();
        assertThat(connections.forUser("alice")).containsExactlyInAnyOrder("live-1", "live-2");
        assertThat(deliveries.find(key(dispatch, "alice")).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void handle_410FromAConnectionStillOpening_keepsItAndRetries_withTheItemReadyForSync() {
        // given: $connect stored the connection a moment ago; API Gateway answers 410 until the handshake completes
        connect("opening", "alice");
        aws.connections().close("opening");
        Dispatch dispatch = dispatch(recipient("alice", "en"));

        // when / then: a retry, not a deletion that would leave the user connected but unknown
        assertThatThrownBy(() -> handler.deliver(dispatch)).isInstanceOf(TransientDispatchException.class);
        assertThat(connections.forUser("alice")).containsExactly("opening");
        Delivery delivery = deliveries.find(key(dispatch, "alice")).orElseThrow();
        assertThat(delivery.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(delivery.reason()).isEqualTo(DeliveryReason.TRANSIENT_ERROR);
        assertThat(delivery.payload()).as("the sync right after connecting hands it over").contains("Hotel Nord");
    }

    @Test
    void handle_whenEveryConnectionIsGone_keepsTheItemInTheInbox() {
        // given
        connectedAMinuteAgo("stale", "alice");
        aws.connections().close("stale");
        Dispatch dispatch = dispatch(recipient("alice", "en"));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result.waiting()).isEqualTo(1);
        assertThat(connections.forUser("alice")).isEmpty();
        Delivery delivery = deliveries.find(key(dispatch, "alice")).orElseThrow();
        assertThat(delivery.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(delivery.reason()).isEqualTo(DeliveryReason.NO_CONNECTION);
        assertThat(delivery.payload()).contains("Hotel Nord");
    }

    @Test
    void handle_whenUserIsOffline_keepsTheItemWaitingWithItsPayload() {
        // given
        Dispatch dispatch = dispatch(recipient("carol", "en"));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result).isEqualTo(new DispatchResult(0, 1, 0, 0, 0));
        assertThat(aws.calls(ManagementApi.SERVICE).size()).isZero();
        Delivery delivery = deliveries.find(key(dispatch, "carol")).orElseThrow();
        assertThat(delivery.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(delivery.reason()).isEqualTo(DeliveryReason.NO_CONNECTION);
        assertThat(Json.parse(delivery.payload()).get("body").asText()).isEqualTo("Your booking at Hotel Nord is confirmed.");
    }

    @Test
    void handle_whenDispatchIsRepeated_sendsOnlyOnce() {
        // given
        connect("c1", "alice");
        Dispatch dispatch = dispatch(recipient("alice", "en"));
        handler.deliver(dispatch);

        // when
        DispatchResult again = handler.deliver(dispatch);

        // then
        assertThat(again).isEqualTo(new DispatchResult(0, 0, 0, 0, 1));
        assertThat(itemFrames("c1")).hasSize(1);
    }

    @Test
    void handle_whenEveryPostIsThrottled_holdsTheRecipientBackAsThrottled_withoutFailingTheDispatch() {
        // given
        connect("c1", "alice");
        connect("c2", "dave");
        aws.faults().addMatching("connections", "throttle", "c1");
        Dispatch dispatch = dispatch(recipient("alice", "en"), recipient("dave", "en"));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result.sent()).isEqualTo(1);
        assertThat(result.throttled()).extracting(DispatchRecipient::id).containsExactly("alice");
        Delivery throttled = deliveries.find(key(dispatch, "alice")).orElseThrow();
        assertThat(throttled.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(throttled.reason()).isEqualTo(DeliveryReason.THROTTLED);
        assertThat(deliveries.find(key(dispatch, "dave")).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);

        // and when the retry comes after the throttling is over
        aws.faults().clear();
        DispatchResult retry = handler.deliver(dispatch);

        // then only the throttled recipient is sent to, once
        assertThat(retry).isEqualTo(new DispatchResult(1, 0, 0, 0, 1));
        assertThat(itemFrames("c1")).hasSize(1);
        assertThat(itemFrames("c2")).hasSize(1);
        assertThat(deliveries.find(key(dispatch, "alice")).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void handle_whenApiGatewayAnswers5xx_treatsItAsTransient() {
        // given
        connect("c1", "alice");
        aws.faults().addMatching("connections", "5xx", "c1");
        Dispatch dispatch = dispatch(recipient("alice", "en"));

        // when / then
        assertThatThrownBy(() -> handler.deliver(dispatch)).isInstanceOf(TransientDispatchException.class);
        assertThat(deliveries.find(key(dispatch, "alice")).orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(connections.find("c1")).isPresent();
    }

    @Test
    void handle_whenApiGatewayIsUnreachable_treatsItAsTransient() {
        // given a callback URL where nothing listens any more
        URI stopped;
        try (LocalAws gone = LocalAws.start()) {
            stopped = gone.uri();
        }
        ApiGatewayManagementApiClient unreachable = aws.client(ApiGatewayManagementApiClient.builder(), stopped);
        WebSocketChannelHandler offline = new WebSocketChannelHandler(connections, deliveries, inbox(), unreachable, TestTemplates.renderer(),
                NotificationMetrics.NONE, aws.channelQueue("offline", TokenBucket.unlimited(), Duration.ZERO,
                        new FanOutProgress(LocalDynamo.client(), tables.deliveries(), clock, Duration.ofDays(30))));
        connect("c1", "alice");
        Dispatch dispatch = dispatch(recipient("alice", "en"));

        // when / then
        assertThatThrownBy(() -> offline.deliver(dispatch)).isInstanceOf(TransientDispatchException.class);
        Delivery delivery = deliveries.find(key(dispatch, "alice")).orElseThrow();
        assertThat(delivery.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(delivery.reason()).isEqualTo(DeliveryReason.TRANSIENT_ERROR);
        assertThat(connections.find("c1")).isPresent();
    }

    @Test
    void handle_whenOneConnectionFailsButAnotherTakesIt_isSentAndNotRetried() {
        // given
        connect("c1", "alice");
        connect("c2", "alice");
        aws.faults().addMatching("connections", "5xx", "c1");
        Dispatch dispatch = dispatch(recipient("alice", "en"));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result.sent()).isEqualTo(1);
        assertThat(itemFrames("c2")).hasSize(1);
    }

    @Test
    void handle_rendersTheRecipientsOwnFieldsIntoTheItem_butKeepsThemOutOfData() {
        // given
        connect("c1", "alice");
        Dispatch dispatch = new Dispatch(UUID.randomUUID().toString(), TestTemplates.WELCOME, Channel.WEBSOCKET, Instant.now(),
                Json.object().put("userId", "alice"), List.of(new DispatchRecipient("alice", "en", "Europe/Paris", "Alice", null, List.of())));
        createPending(dispatch);

        // when
        handler.deliver(dispatch);

        // then
        JsonNode frame = Json.parse(itemFrames("c1").getFirst());
        assertThat(frame.get("title").asText()).isEqualTo("Welcome, Alice");
        assertThat(frame.get("body").asText()).isEqualTo("Hello Alice (en)");
        assertThat(frame.get("data").has("recipient")).isFalse();
    }

    @Test
    void prime_rendersTheTemplatesAndReadsTheStoreWithoutSendingOrWriting() {
        // when: what SnapStart runs before its snapshot
        handler.prime();

        // then
        assertThat(aws.calls(ManagementApi.SERVICE).size()).isZero();
        assertThat(LocalDynamo.client().scan(r -> r.tableName(tables.deliveries())).count()).isZero();
        assertThat(LocalDynamo.client().scan(r -> r.tableName(tables.connections())).count()).isZero();
    }

    @Test
    void handle_whenItemIsOver128KB_failsAsTooLargeAndSendsNothing() {
        // given
        connect("c1", "alice");
        var data = Json.object().put("hotel", "Hotel Nord").put("userId", "alice").put("notes", "x".repeat(WebSocketLimits.MAX_MESSAGE_BYTES));
        Dispatch dispatch = new Dispatch(UUID.randomUUID().toString(), TestTemplates.BOOKING, Channel.WEBSOCKET, Instant.now(), data,
                List.of(recipient("alice", "en")));
        createPending(dispatch);

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result.failed()).isEqualTo(1);
        assertThat(aws.calls(ManagementApi.SERVICE).size()).isZero();
        Delivery delivery = deliveries.find(key(dispatch, "alice")).orElseThrow();
        assertThat(delivery.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(delivery.reason()).isEqualTo(DeliveryReason.TOO_LARGE);
    }

    @Test
    void handle_whenTypeHasNoTemplates_failsAsTemplateMissing() {
        // given
        connect("c1", "alice");
        Dispatch dispatch = new Dispatch(UUID.randomUUID().toString(), TestTemplates.BARE, Channel.WEBSOCKET, Instant.now(),
                Json.object(), List.of(recipient("alice", "en")));
        createPending(dispatch);

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result.failed()).isEqualTo(1);
        assertThat(deliveries.find(key(dispatch, "alice")).orElseThrow().reason()).isEqualTo(DeliveryReason.TEMPLATE_MISSING);
        assertThat(aws.calls(ManagementApi.SERVICE).size()).isZero();
    }

    @Test
    void handle_manyRecipients_eachGetsOnlyTheirOwnItem() {
        // given
        List<DispatchRecipient> recipients = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            connect("conn-" + i, "user-" + i);
            recipients.add(recipient("user-" + i, i % 2 == 0 ? "en" : "fr"));
        }
        Dispatch dispatch = dispatch(recipients.toArray(DispatchRecipient[]::new));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result.sent()).isEqualTo(40);
        assertThat(aws.connections().totalFrames()).as("each item, and the counts after it").isEqualTo(80);
        for (int i = 0; i < 40; i++) {
            assertThat(itemFrames("conn-" + i)).hasSize(1);
        }
    }

    @Test
    void handle_dispatchForAnotherChannel_isRefusedWithoutTouchingItsDeliveries() {
        // given a push dispatch handed to the websocket channel by mistake
        Dispatch push = new Dispatch(UUID.randomUUID().toString(), TestTemplates.BOOKING, Channel.PUSH, Instant.now(), Json.object(),
                List.of(recipient("alice", "en")));
        createPending(push);

        // when / then
        assertThatThrownBy(() -> handler.deliver(push)).hasMessageContaining("dispatch for channel 'push'");
        assertThat(deliveries.find(push.keyFor(push.recipients().getFirst())).orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);
    }

    private void connect(String connectionId, String userId) {
        connections.put(new Connection(connectionId, userId, clock.instant()));
    }

    /** A connection past its handshake: a 410 from it means it is gone. */
    private void connectedAMinuteAgo(String connectionId, String userId) {
        connections.put(new Connection(connectionId, userId, clock.instant().minusSeconds(60)));
    }

    private Dispatch dispatch(DispatchRecipient... recipients) {
        var data = Json.object().put("hotel", "Hotel Nord").put("checkIn", "2026-12-01").put("userId", recipients[0].id());
        Dispatch dispatch = new Dispatch(UUID.randomUUID().toString(), TestTemplates.BOOKING, Channel.WEBSOCKET, Instant.now(), data,
                List.of(recipients));
        createPending(dispatch);
        return dispatch;
    }

    private void createPending(Dispatch dispatch) {
        dispatch.recipients().forEach(r -> deliveries.create(Delivery.pending(dispatch.keyFor(r), clock.instant(), null)));
    }

    private static DispatchRecipient recipient(String id, String locale) {
        return new DispatchRecipient(id, locale, "Europe/Paris", null, null, List.of());
    }

    private static DeliveryKey key(Dispatch dispatch, String recipientId) {
        return new DeliveryKey(dispatch.notificationId(), dispatch.typeId(), Channel.WEBSOCKET, recipientId);
    }
}
