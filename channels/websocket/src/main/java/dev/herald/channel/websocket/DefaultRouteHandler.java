package dev.herald.channel.websocket;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionRepository;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.observability.Correlation;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code $default} route: the client's actions on its inbox. The reply goes back as the route response (the
 * WebSocket API's {@code $default} route has a route response, so API Gateway sends it to the client):
 * <ul>
 *   <li>{@code {"action":"sync","since":CURSOR}} → 200 {@code {"action":"sync","items":[…],"cursor":…,"more":…}};</li>
 *   <li>{@code {"action":"read"|"ack","id":ID}} → 200 {@code {"action":"read","id":ID,"status":"READ"}}, or 404;</li>
 *   <li>{@code {"action":"ping"}} → 200 {@code {"action":"pong"}} (a keep-alive);</li>
 *   <li>anything else → 400 {@code {"error":"…"}} saying what was wrong.</li>
 * </ul>
 * The user is the one the connection was authenticated as on {@code $connect}. It never throws: a failure becomes
 * a 500 reply that tells the client to retry.
 */
public final class DefaultRouteHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultRouteHandler.class);

    private final ConnectionRepository connections;
    private final Inbox inbox;
    // held here because the CRaC context may reference its resources weakly
    @SuppressWarnings("unused")
    private final SnapStartPriming priming = SnapStartPriming.register(getClass().getSimpleName(), this::prime);

    /** Lambda entry point: everything from the environment. */
    public DefaultRouteHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public DefaultRouteHandler(Wiring wiring) {
        this(wiring.connections(), wiring.deliveries());
    }

    public DefaultRouteHandler(ConnectionRepository connections, DeliveryRepository deliveries) {
        this.connections = connections;
        this.inbox = new Inbox(deliveries);
    }

    /** SnapStart priming: a lookup of a connection that does not exist. */
    void prime() {
        connections.find(SnapStartPriming.PRIMING_ID);
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        Optional<String> connectionId = RouteResponses.connectionId(event);
        if (connectionId.isEmpty()) {
            return RouteResponses.error(400, "not a WebSocket route request: requestContext.connectionId is missing");
        }
        return Correlation.with(connectionId.get(), () -> {
            try {
                return handle(connectionId.get(), event.getBody());
            } catch (InvalidActionException e) {
                return RouteResponses.error(400, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("$default failed on connection {}", connectionId.get(), e);
                return RouteResponses.error(500, "Herald could not handle this message just now; send it again in a moment");
            }
        });
    }

    private APIGatewayV2WebSocketResponse handle(String connectionId, String body) {
        ClientAction action = ClientAction.parse(body);
        if (action instanceof ClientAction.Ping) {
            return RouteResponses.ok(Map.of("action", "pong"));
        }
        Optional<Connection> connection = connections.find(connectionId);
        if (connection.isEmpty()) {
            return RouteResponses.error(401, "this connection is not registered (it expired or was never authenticated); reconnect with a valid token");
        }
        String userId = connection.get().userId();
        return switch (action) {
            case ClientAction.Sync sync -> RouteResponses.ok(inbox.sync(userId, sync.since(), sync.limit()));
            case ClientAction.Read read -> inbox.read(userId, read.id())
                    ? RouteResponses.ok(Map.of("action", read.action(), "id", read.id(), "status", "READ"))
                    : RouteResponses.error(404, "you have no inbox item with id '" + read.id() + "'");
            case ClientAction.Ping ping -> RouteResponses.ok(Map.of("action", "pong"));
        };
    }
}
