package dev.herald.channel.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionRepository;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.fanout.FanOutProgress;
import dev.herald.inbox.InboxStore;
import dev.herald.json.Json;
import dev.herald.local.aws.LocalAws;
import dev.herald.observability.NotificationMetrics;
import dev.herald.queue.TokenBucket;
import dev.herald.recipient.RecipientRepository;
import dev.herald.recipient.preferences.PreferenceCentre;
import dev.herald.recipient.preferences.PreferencesChangedMarks;
import dev.herald.store.HeraldTables;
import dev.herald.templates.testing.TestTemplates;
import dev.herald.testing.LocalDynamo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/** The inbox over the {@code $default} route, fed by the real channel handler. */
class DefaultRouteHandlerTest {

    private final Clock clock = Clock.systemUTC();
    private LocalAws aws;
    private ApiGatewayManagementApiClient managementApi;
    private ConnectionRepository connections;
    private DeliveryRepository deliveries;
    private WebSocketChannelHandler channel;
    private DefaultRouteHandler routes;
    private HeraldTables.Names tables;
    private RecipientRepository recipients;
    private static final Catalog CATALOG = CatalogLoader.load(Path.of("../../templates/catalog.yaml"));

    @BeforeEach
    void setUp() throws Exception {
        aws = LocalAws.start();
        managementApi = aws.client(ApiGatewayManagementApiClient.builder());
        tables = LocalDynamo.freshTables();
        connections = new ConnectionRepository(LocalDynamo.client(), tables.connections(), clock);
        deliveries = new DeliveryRepository(LocalDynamo.client(), tables.deliveries(), clock, Duration.ofDays(30));
        channel = new WebSocketChannelHandler(connections, deliveries, inbox(), managementApi, TestTemplates.renderer(), NotificationMetrics.NONE,
                aws.channelQueue("channel", TokenBucket.unlimited(), Duration.ZERO,
                        new FanOutProgress(LocalDynamo.client(), tables.deliveries(), clock, Duration.ofDays(30))));
        recipients = new RecipientRepository(LocalDynamo.client(), tables.recipients(), clock);
        routes = new DefaultRouteHandler(connections, new Inbox(deliveries, inbox()), new UserFrames(connections, managementApi),
                new PreferenceCentre(CATALOG, recipients, new PreferencesChangedMarks(tables.deliveries()), clock));
    }

    private InboxStore inbox() {
        return new InboxStore(LocalDynamo.client(), tables.deliveries(), clock, deliveries);
    }

    @AfterEach
    void tearDown() {
        aws.close();
    }

    @Test
    void sync_afterReconnect_returnsWhatWaitedAndMarksItHandedOver() {
        // given a notification for carol while she was offline
        Dispatch dispatch = deliver("carol");
        connect("c1", "carol");

        // when
        JsonNode reply = ok(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"sync\",\"since\":null}"), null));

        // then
        assertThat(reply.get("action").asText()).isEqualTo("sync");
        assertThat(reply.get("items")).hasSize(1);
        JsonNode item = reply.get("items").get(0);
        assertThat(item.get("id").asText()).isEqualTo(dispatch.notificationId() + "/booking.created");
        assertThat(item.get("body").asText()).isEqualTo("Your booking at Hotel Nord is confirmed.");
        assertThat(reply.get("more").asBoolean()).isFalse();
        assertThat(reply.get("cursor").asText()).isNotBlank();
        assertThat(deliveries.find(key(dispatch, "carol")).orElseThrow().status()).isEqualTo(DeliveryStatus.SENT);
        // a redelivered dispatch must not push it again now that the sync handed it over
        assertThat(channel.deliver(dispatch).alreadyHandled()).isEqualTo(1);
        assertThat(aws.connections().totalFrames()).isZero();
    }

    @Test
    void sync_returnsUnreadItemsSentLive_andCursorSkipsWhatWasSeen() {
        // given one item delivered live, then one while offline
        connect("c1", "carol");
        deliver("carol");
        connections.delete("c1");
        deliver("carol");
        connect("c2", "carol");

        // when
        JsonNode first = ok(routes.handleRequest(RouteEvents.message("c2", "{\"action\":\"sync\"}"), null));
        JsonNode next = ok(routes.handleRequest(RouteEvents.message("c2",
                "{\"action\":\"sync\",\"since\":\"" + first.get("cursor").asText() + "\"}"), null));

        // then
        assertThat(first.get("items")).hasSize(2);
        assertThat(next.get("items")).isEmpty();
        assertThat(next.get("cursor").asText()).isEqualTo(first.get("cursor").asText());
    }

    @Test
    void sync_pagesWithLimitAndMore() {
        // given
        for (int i = 0; i < 3; i++) {
            deliver("carol");
        }
        connect("c1", "carol");

        // when
        JsonNode page1 = ok(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"sync\",\"limit\":2}"), null));
        JsonNode page2 = ok(routes.handleRequest(RouteEvents.message("c1",
                "{\"action\":\"sync\",\"limit\":2,\"since\":\"" + page1.get("cursor").asText() + "\"}"), null));

        // then
        assertThat(page1.get("items")).hasSize(2);
        assertThat(page1.get("more").asBoolean()).isTrue();
        assertThat(page2.get("items")).hasSize(1);
        assertThat(page2.get("more").asBoolean()).isFalse();
    }

    @Test
    void sync_keepsTheCursorBeforeADeliveryTheChannelHasNotHandledYet() {
        // given a notification created for carol but not yet handled by the channel, then one delivered
        connect("c1", "carol");
        var data = Json.object().put("hotel", "Hotel Nord").put("checkIn", "2026-12-01");
        Dispatch inFlight = new Dispatch(UUID.randomUUID().toString(), TestTemplates.BOOKING, Channel.WEBSOCKET, Instant.now(), data,
                List.of(new DispatchRecipient("carol", "en", "UTC", null, null, List.of())));
        deliveries.create(Delivery.pending(inFlight.keyFor(inFlight.recipients().getFirst()), clock.instant(), null));
        deliver("carol");
        JsonNode first = ok(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"sync\"}"), null));

        // when carol goes offline, then the channel handles the first one, then she syncs from her cursor
        connections.delete("c1");
        channel.deliver(inFlight);
        connect("c2", "carol");
        String since = first.get("cursor").isNull() ? "null" : "\"" + first.get("cursor").asText() + "\"";
        JsonNode next = ok(routes.handleRequest(RouteEvents.message("c2", "{\"action\":\"sync\",\"since\":" + since + "}"), null));

        // then she gets the item that waited, and the repeat of the other one is hers to drop by id
        assertThat(first.get("items")).hasSize(1);
        assertThat(first.has("cursor")).isTrue();
        assertThat(next.get("items")).extracting(i -> i.get("id").asText())
                .contains(inFlight.notificationId() + "/" + inFlight.typeId());
    }

    @Test
    void read_marksTheItemRead_andSyncNoLongerReturnsIt() {
        // given
        Dispatch dispatch = deliver("carol");
        connect("c1", "carol");
        String id = dispatch.notificationId() + "/" + dispatch.typeId();

        // when
        JsonNode reply = ok(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"read\",\"id\":\"" + id + "\"}"), null));

        // then
        assertThat(reply.get("status").asText()).isEqualTo("READ");
        assertThat(deliveries.find(key(dispatch, "carol")).orElseThrow().status()).isEqualTo(DeliveryStatus.READ);
        assertThat(ok(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"sync\"}"), null)).get("items")).isEmpty();
    }

    @Test
    void ack_isTheSameAsRead() {
        Dispatch dispatch = deliver("carol");
        connect("c1", "carol");

        JsonNode reply = ok(routes.handleRequest(RouteEvents.message("c1",
                "{\"action\":\"ack\",\"id\":\"" + dispatch.notificationId() + "/" + dispatch.typeId() + "\"}"), null));

        assertThat(reply.get("action").asText()).isEqualTo("ack");
        assertThat(deliveries.find(key(dispatch, "carol")).orElseThrow().status()).isEqualTo(DeliveryStatus.READ);
    }

    @Test
    void read_byAnotherUser_isRefusedAndChangesNothing() {
        // given carol's item, and mallory who learned its id
        Dispatch dispatch = deliver("carol");
        connect("m1", "mallory");
        String id = dispatch.notificationId() + "/" + dispatch.typeId();

        // when
        APIGatewayV2WebSocketResponse response = routes.handleRequest(RouteEvents.message("m1", "{\"action\":\"read\",\"id\":\"" + id + "\"}"), null);

        // then
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(deliveries.find(key(dispatch, "carol")).orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(ok(routes.handleRequest(RouteEvents.message("m1", "{\"action\":\"sync\"}"), null)).get("items")).isEmpty();
    }

    @Test
    void badMessages_getA400WithAClearError() {
        connect("c1", "carol");

        assertError(routes.handleRequest(RouteEvents.message("c1", "not json"), null), 400, "invalid JSON");
        assertError(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"fly\"}"), null), 400, "unknown action 'fly'");
        assertError(routes.handleRequest(RouteEvents.message("c1", null), null), 400, "empty message");
        assertError(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"read\",\"id\":\"" + "x".repeat(140_000) + "\"}"), null),
                400, "128 KB");
        assertError(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"read\",\"id\":\"no-such-item\"}"), null),
                404, "no inbox item");
        assertError(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"read\",\"id\":\"evt/" + "t".repeat(500) + "\"}"), null),
                404, "no inbox item");
        assertThat(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"sync\",\"since\":\"" + "z".repeat(500) + "\"}"), null)
                .getStatusCode()).isEqualTo(200);
    }

    @Test
    void sync_apiGatewaysMessageEvent_returnsTheInbox() {
        // given
        deliver("carol");
        connect("L0SM9cOFvHcCIhw=", "carol");
        var event = com.amazonaws.services.lambda.runtime.tests.EventLoader.loadEvent("events/message-sync.json",
                com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent.class);

        // when
        JsonNode reply = ok(routes.handleRequest(event, null));

        // then
        assertThat(reply.get("items")).hasSize(1);
    }

    @Test
    void ping_getsPong() {
        connect("c1", "carol");

        assertThat(ok(routes.handleRequest(RouteEvents.message("c1", "{\"action\":\"ping\"}"), null)).get("action").asText()).isEqualTo("pong");
    }

    @Test
    void message_fromUnregisteredConnection_isRefused() {
        assertError(routes.handleRequest(RouteEvents.message("ghost", "{\"action\":\"sync\"}"), null), 401, "reconnect");
    }

    @Test
    void message_whenTheStoreFails_getsA500InsteadOfACrash() {
        // given a route handler whose tables do not exist
        ConnectionRepository noConnections = new ConnectionRepository(LocalDynamo.client(), "no-such-table", clock);
        DeliveryRepository noDeliveries = new DeliveryRepository(LocalDynamo.client(), "no-such-table", clock, Duration.ofDays(1));
        DefaultRouteHandler broken = new DefaultRouteHandler(noConnections,
                new Inbox(noDeliveries, new InboxStore(LocalDynamo.client(), "no-such-table", clock, noDeliveries)),
                new UserFrames(noConnections, managementApi),
                new PreferenceCentre(CATALOG, recipients, new PreferencesChangedMarks("no-such-table"), clock));

        // when / then
        assertError(broken.handleRequest(RouteEvents.message("c1", "{\"action\":\"sync\"}"), null), 500, "again");
    }

    @Test
    void listAndStateActions_overTheRoute_replyWithStatesCountsAndTheRef() {
        // given: two items for dana, delivered live to her one connection
        connect("d1", "dana");
        Dispatch first = deliver("dana");
        Dispatch second = deliver("dana");
        String firstId = first.notificationId() + "/booking.created";

        // when
        JsonNode seen = ok(routes.handleRequest(RouteEvents.message("d1", "{\"action\":\"seen\",\"ref\":\"x1\",\"ids\":[\""
                + firstId + "\",\"" + second.notificationId() + "/booking.created\",\"not/ours\"]}"), null));
        JsonNode archived = ok(routes.handleRequest(RouteEvents.message("d1", "{\"action\":\"archive\",\"id\":\"" + firstId + "\"}"), null));
        JsonNode unread = ok(routes.handleRequest(RouteEvents.message("d1", "{\"action\":\"list\",\"filter\":\"unread\"}"), null));
        JsonNode counts = ok(routes.handleRequest(RouteEvents.message("d1", "{\"action\":\"counts\",\"ref\":\"x2\"}"), null));

        // then
        assertThat(seen.get("ref").asText()).isEqualTo("x1");
        assertThat(seen.get("state").asText()).isEqualTo("seen");
        assertThat(seen.get("unknown")).extracting(JsonNode::asText).containsExactly("not/ours");
        assertThat(seen.get("counts").get("unseen").asLong()).isZero();
        assertThat(archived.get("id").asText()).isEqualTo(firstId);
        assertThat(archived.get("counts").get("unread").asLong()).isEqualTo(1);
        assertThat(unread.get("items")).extracting(i -> i.get("id").asText()).containsExactly(second.notificationId() + "/booking.created");
        assertThat(unread.get("items").get(0).get("state").asText()).isEqualTo("seen");
        assertThat(counts.get("ref").asText()).isEqualTo("x2");
        assertThat(counts.get("counts").get("unread").asLong()).isEqualTo(1);
        assertThat(deliveries.find(key(first, "dana")).orElseThrow().status()).isEqualTo(DeliveryStatus.ARCHIVED);
        assertThat(aws.connections().framesFor("d1")).as("each change pushed to the user's connections too")
                .anySatisfy(f -> assertThat(Json.parse(f).path("state").asText()).isEqualTo("archived"));
    }

    @Test
    void preferences_overTheRoute_readAndChangeOnlyTheUsersOwn_andRefuseLockedCategories() {
        // given
        connect("e1", "erin");

        // when
        JsonNode set = ok(routes.handleRequest(RouteEvents.message("e1",
                "{\"action\":\"preferences.set\",\"preferences\":{\"categories\":{\"bookings\":{\"email\":false}}}}"), null));
        JsonNode got = ok(routes.handleRequest(RouteEvents.message("e1", "{\"action\":\"preferences.get\"}"), null));
        APIGatewayV2WebSocketResponse locked = routes.handleRequest(RouteEvents.message("e1",
                "{\"action\":\"preferences.set\",\"preferences\":{\"categories\":{\"transactional\":{\"email\":false}}}}"), null);
        APIGatewayV2WebSocketResponse invalid = routes.handleRequest(RouteEvents.message("e1",
                "{\"action\":\"preferences.set\",\"preferences\":{\"timeZone\":\"Mars/Olympus\"}}"), null);

        // then
        assertThat(set.get("preferences").get("recipientId").asText()).isEqualTo("erin");
        assertThat(got.get("preferences")).isEqualTo(set.get("preferences"));
        assertThat(recipients.find("erin").orElseThrow().optedOut("bookings", Channel.EMAIL)).isTrue();
        assertThat(locked.getStatusCode()).isEqualTo(409);
        assertThat(invalid.getStatusCode()).isEqualTo(400);
        assertThat(recipients.find("someone-else")).isEmpty();
    }

    private Dispatch deliver(String userId) {
        var data = Json.object().put("hotel", "Hotel Nord").put("checkIn", "2026-12-01").put("userId", userId);
        Dispatch dispatch = new Dispatch(UUID.randomUUID().toString(), TestTemplates.BOOKING, Channel.WEBSOCKET, Instant.now(), data,
                List.of(new DispatchRecipient(userId, "en", "UTC", null, null, List.of())));
        dispatch.recipients().forEach(r -> deliveries.create(Delivery.pending(dispatch.keyFor(r), clock.instant(), null)));
        channel.deliver(dispatch);
        return dispatch;
    }

    private void connect(String connectionId, String userId) {
        connections.put(new Connection(connectionId, userId, clock.instant()));
    }

    private static JsonNode ok(APIGatewayV2WebSocketResponse response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return Json.parse(response.getBody());
    }

    private static void assertError(APIGatewayV2WebSocketResponse response, int status, String text) {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(Json.parse(response.getBody()).get("error").asText()).contains(text);
    }

    private static DeliveryKey key(Dispatch dispatch, String recipientId) {
        return new DeliveryKey(dispatch.notificationId(), dispatch.typeId(), Channel.WEBSOCKET, recipientId);
    }
}
