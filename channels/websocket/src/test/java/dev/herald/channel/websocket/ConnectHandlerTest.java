package dev.herald.channel.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.herald.channel.websocket.auth.TokenVerifier;
import dev.herald.channel.websocket.auth.Tokens;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionRepository;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectHandlerTest {

    private static final String SECRET = "a-dev-secret-that-is-at-least-32-bytes-long";

    private final Clock clock = Clock.fixed(Instant.now(), ZoneOffset.UTC);
    private String connectionsTable;
    private ConnectionRepository connections;
    private ConnectHandler handler;
    private DisconnectHandler disconnect;

    @BeforeEach
    void setUp() {
        connectionsTable = LocalDynamo.freshTables().connections();
        connections = new ConnectionRepository(LocalDynamo.client(), connectionsTable, clock);
        handler = new ConnectHandler(connections, TokenVerifier.hs256(SECRET, "herald-local", "herald-ws", clock), clock);
        disconnect = new DisconnectHandler(connections);
    }

    @Test
    void connect_withValidTokenInQuery_storesTheConnectionForTwoHours() {
        // when
        APIGatewayV2WebSocketResponse response = handler.handleRequest(RouteEvents.connect("c1", token("alice")), null);

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        Connection stored = connections.find("c1").orElseThrow();
        assertThat(stored.userId()).isEqualTo("alice");
        assertThat(stored.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(2)));
        assertThat(connections.forUser("alice")).containsExactly("c1");
    }

    @Test
    void connect_withBearerHeader_isAccepted() {
        APIGatewayV2WebSocketEvent event = RouteEvents.connect("c1", null);
        event.setHeaders(Map.of("authorization", "Bearer " + token("alice")));

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(200);
        assertThat(connections.find("c1")).isPresent();
    }

    @Test
    void connect_withoutToken_gets401AndStoresNothing() {
        assertRefused(RouteEvents.connect("c1", null));
    }

    @Test
    void connect_withForgedToken_gets401AndStoresNothing() {
        String forged = Tokens.issue("someone-elses-secret-of-32-bytes-or-more", "alice", "herald-local", "herald-ws",
                clock.instant(), Duration.ofMinutes(5));
        assertRefused(RouteEvents.connect("c1", forged));
    }

    @Test
    void connect_withExpiredToken_gets401AndStoresNothing() {
        String expired = Tokens.issue(SECRET, "alice", "herald-local", "herald-ws", clock.instant().minus(Duration.ofHours(3)),
                Duration.ofHours(1));
        assertRefused(RouteEvents.connect("c1", expired));
    }

    @Test
    void connect_withWrongAudience_gets401AndStoresNothing() {
        String other = Tokens.issue(SECRET, "alice", "herald-local", "another-api", clock.instant(), Duration.ofMinutes(5));
        assertRefused(RouteEvents.connect("c1", other));
    }

    @Test
    void connect_afterCloudAuthorizer_takesTheUserFromTheRequestContext() {
        // given API Gateway's authorizer already verified the token
        APIGatewayV2WebSocketEvent event = RouteEvents.connect("c9", null);
        event.getRequestContext().setAuthorizer(Map.of("principalId", "zoe", "userId", "zoe"));

        // when
        APIGatewayV2WebSocketResponse response = handler.handleRequest(event, null);

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(connections.find("c9").orElseThrow().userId()).isEqualTo("zoe");
    }

    @Test
    void disconnect_removesTheConnection_andToleratesUnknownOnes() {
        handler.handleRequest(RouteEvents.connect("c1", token("alice")), null);

        assertThat(disconnect.handleRequest(RouteEvents.disconnect("c1"), null).getStatusCode()).isEqualTo(200);
        assertThat(disconnect.handleRequest(RouteEvents.disconnect("never-seen"), null).getStatusCode()).isEqualTo(200);
        assertThat(connections.find("c1")).isEmpty();
        assertThat(connections.forUser("alice")).isEmpty();
    }

    @Test
    void prime_readsTheStoreAndChecksATokenButStoresNothing() {
        // when: what SnapStart runs before its snapshot
        handler.prime();
        disconnect.prime();

        // then
        assertThat(LocalDynamo.client().scan(r -> r.tableName(connectionsTable)).count()).isZero();
    }

    @Test
    void connect_apiGatewaysEvent_withValidToken_storesTheConnection() {
        // given API Gateway's $connect event, as the Lambda runtime deserializes it
        APIGatewayV2WebSocketEvent event = EventLoader.loadEvent("events/connect.json", APIGatewayV2WebSocketEvent.class);
        event.setQueryStringParameters(Map.of("token", token("alice")));

        // when
        APIGatewayV2WebSocketResponse response = handler.handleRequest(event, null);

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(connections.find("L0SM9cOFvHcCIhw=").orElseThrow().userId()).isEqualTo("alice");
    }

    @Test
    void connect_apiGatewaysEvent_withExpiredToken_gets401() {
        APIGatewayV2WebSocketEvent event = EventLoader.loadEvent("events/connect.json", APIGatewayV2WebSocketEvent.class);

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(401);
        assertThat(connections.find("L0SM9cOFvHcCIhw=")).isEmpty();
    }

    @Test
    void connect_apiGatewaysEventAfterTheAuthorizer_takesItsPrincipal() {
        APIGatewayV2WebSocketEvent event = EventLoader.loadEvent("events/connect-authorized.json", APIGatewayV2WebSocketEvent.class);

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(200);
        assertThat(connections.find("M1TN0dPGwIdDJix=").orElseThrow().userId()).isEqualTo("u-42");
    }

    private void assertRefused(APIGatewayV2WebSocketEvent event) {
        APIGatewayV2WebSocketResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getBody()).contains("Unauthorized");
        assertThat(connections.find("c1")).isEmpty();
        assertThat(connections.forUser("alice")).isEmpty();
    }

    private String token(String user) {
        return Tokens.issue(SECRET, user, "herald-local", "herald-ws", clock.instant(), Duration.ofMinutes(30));
    }
}
