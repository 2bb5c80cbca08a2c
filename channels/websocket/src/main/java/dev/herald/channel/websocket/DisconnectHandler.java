package dev.herald.channel.websocket;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.herald.connection.ConnectionRepository;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code $disconnect} route: forgets the connection. API Gateway delivers {@code $disconnect} on a best-effort
 * basis, so this is best effort too: the record's 2-hour TTL and the channel's 410 cleanup cover what it misses.
 */
public final class DisconnectHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(DisconnectHandler.class);

    private final ConnectionRepository connections;
    // held here because the CRaC context may reference its resources weakly
    @SuppressWarnings("unused")
    private final SnapStartPriming priming = SnapStartPriming.register(getClass().getSimpleName(), this::prime);

    /** Lambda entry point: everything from the environment. */
    public DisconnectHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public DisconnectHandler(Wiring wiring) {
        this(wiring.connections());
    }

    public DisconnectHandler(ConnectionRepository connections) {
        this.connections = connections;
    }

    /** SnapStart priming: a lookup of a connection that does not exist. */
    void prime() {
        connections.find(SnapStartPriming.PRIMING_ID);
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        Optional<String> connectionId = RouteResponses.connectionId(event);
        connectionId.ifPresent(id -> {
            try {
                connections.delete(id);
            } catch (RuntimeException e) {
                LOG.warn("could not delete WebSocket connection {}; its TTL will remove it: {}", id, e.toString());
            }
        });
        return RouteResponses.response(200, null);
    }
}
