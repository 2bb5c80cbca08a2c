package dev.herald.channel.websocket;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.herald.channel.websocket.auth.InvalidTokenException;
import dev.herald.channel.websocket.auth.TokenVerifier;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionRepository;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.observability.Correlation;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code $connect} route: authenticates the client and records its connection for 2 hours (API Gateway's
 * limit). In the cloud a Lambda REQUEST authorizer ({@link AuthorizerHandler}) has already verified the token and
 * its principal arrives in the request context; otherwise (herald local) the token from {@code ?token=} or an
 * {@code Authorization: Bearer} header is verified here. A missing, forged, expired or wrong-audience token gets
 * 401 and nothing is stored.
 */
public final class ConnectHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectHandler.class);

    private final ConnectionRepository connections;
    private final TokenVerifier tokens;
    private final Clock clock;
    // held here because the CRaC context may reference its resources weakly
    @SuppressWarnings("unused")
    private final SnapStartPriming priming = SnapStartPriming.register(getClass().getSimpleName(), this::prime);

    /** Lambda entry point: everything from the environment. */
    public ConnectHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}. */
    public ConnectHandler(Wiring wiring) {
        this(wiring.connections(), TokenVerifier.fromConfig(wiring.config(), wiring.clock()), wiring.clock());
    }

    public ConnectHandler(ConnectionRepository connections, TokenVerifier tokens, Clock clock) {
        this.connections = connections;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Runs a token check for its side effects (classes loaded, JWKS fetched); the token is refused, as expected. */
    static void verifyQuietly(TokenVerifier tokens) {
        try {
            tokens.verify("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcmltaW5nIn0.cHJpbWluZw");
        } catch (RuntimeException refused) {
            // expected: a priming token is never valid
        }
    }

    /** SnapStart priming: a token check and a connection lookup, which store nothing. */
    void prime() {
        verifyQuietly(tokens);
        connections.find(SnapStartPriming.PRIMING_ID);
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        Optional<String> connectionId = RouteResponses.connectionId(event);
        if (connectionId.isEmpty()) {
            return RouteResponses.error(400, "not a WebSocket route request: requestContext.connectionId is missing");
        }
        return Correlation.with(connectionId.get(), () -> {
            String userId;
            try {
                userId = RouteResponses.authorizedUser(event).orElseGet(() -> tokens.verify(
                        RouteResponses.token(event.getQueryStringParameters(), event.getHeaders()).orElse(null)).userId());
            } catch (InvalidTokenException e) {
                // the reason is logged for the operator; the client learns only that it is not authenticated
                LOG.info("refused WebSocket connection {}: {}", connectionId.get(), e.getMessage());
                return RouteResponses.error(401, "Unauthorized");
            }
            try {
                connections.put(new Connection(connectionId.get(), userId, clock.instant()));
            } catch (RuntimeException e) {
                LOG.error("could not store WebSocket connection {}", connectionId.get(), e);
                return RouteResponses.error(500, "could not register the connection; reconnect in a moment");
            }
            LOG.info("WebSocket connection {} opened for user {}", connectionId.get(), userId);
            return RouteResponses.response(200, null);
        });
    }
}
