package dev.herald.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.herald.channel.websocket.auth.InvalidTokenException;
import dev.herald.channel.websocket.auth.TokenVerifier;
import dev.herald.channel.websocket.auth.VerifiedToken;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One path of an API Gateway HTTP API with a JWT authorizer and a Lambda integration (payload format 2.0), as the
 * cloud stack deploys the preferences API: a call to one of the path's routes passes the authorizer only with a
 * valid {@code Authorization: Bearer} token (checked with the same verifier as the WebSocket's {@code $connect}),
 * and becomes the event the handler gets in Lambda, with the token's claims in
 * {@code requestContext.authorizer.jwt.claims}; anything else gets API Gateway's own answers: 401
 * {@code {"message":"Unauthorized"}}, 404 {@code {"message":"Not Found"}} for a method without a route, 413 for a
 * body too large.
 */
public final class HttpApiProxy implements HttpEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApiProxy.class);
    /** An HTTP API's default stage. */
    static final String STAGE = "$default";
    private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private final String path;
    private final Set<String> methods;
    private final TokenVerifier tokens;
    private final Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private final Clock clock;

    /** @param methods the methods that have a route on {@code path}, e.g. GET and PUT */
    public HttpApiProxy(String path, Set<String> methods, TokenVerifier tokens,
                        Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, Clock clock) {
        this.path = path;
        this.methods = Set.copyOf(methods);
        this.tokens = tokens;
        this.handler = handler;
        this.clock = clock;
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        if (!call.path().equals(path)) {
            return Optional.empty();
        }
        if (!methods.contains(call.method())) {
            return Optional.of(HttpReply.json(404, Map.of("message", "Not Found")));
        }
        if (call.bodyTooLarge()) {
            return Optional.of(HttpReply.json(413, Map.of("message", "Request Entity Too Large")));
        }
        VerifiedToken token;
        try {
            token = tokens.verify(bearer(call).orElse(null));
        } catch (InvalidTokenException e) {
            LOG.info("refused {} {}: {}", call.method(), path, e.getMessage());
            return Optional.of(HttpReply.json(401, Map.of("message", "Unauthorized")).withHeader("www-authenticate", "Bearer"));
        }
        return Optional.of(reply(handler.apply(event(call, token))));
    }

    /** The token of an {@code Authorization: Bearer} header: an HTTP API's JWT authorizer reads no other place by default. */
    static Optional<String> bearer(HttpCall call) {
        return call.header("authorization").map(String::strip)
                .filter(value -> value.toLowerCase(Locale.ROOT).startsWith("bearer "))
                .map(value -> value.substring("bearer ".length()).strip());
    }

    APIGatewayV2HTTPEvent event(HttpCall call, VerifiedToken token) {
        String routeKey = call.method() + " " + path;
        // payload 2.0: repeated query parameters and headers are joined with commas, header names lower-cased
        Map<String, String> query = new LinkedHashMap<>();
        call.query().forEach((name, values) -> query.put(name, String.join(",", values)));
        Map<String, String> headers = new HashMap<>();
        call.headers().forEach((name, value) -> headers.put(name.toLowerCase(Locale.ROOT), value));
        String rawQuery = call.query().entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> e.getKey() + "=" + v)).collect(Collectors.joining("&"));
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("sub", token.userId());
        claims.put("exp", Long.toString(token.expiresAt().getEpochSecond()));
        long now = clock.millis();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withRawQueryString(rawQuery)
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withBody(call.body().length == 0 ? null : call.bodyText())
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRouteKey(routeKey)
                        .withStage(STAGE)
                        .withRequestId(UUID.randomUUID().toString())
                        .withTime(REQUEST_TIME.format(clock.instant().atZone(clock.getZone())))
                        .withTimeEpoch(now)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(call.method())
                                .withPath(path)
                                .withProtocol("HTTP/1.1")
                                .withSourceIp("127.0.0.1")
                                .withUserAgent(headers.get("user-agent"))
                                .build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(claims)
                                        .withScopes(List.of())
                                        .build())
                                .build())
                        .build())
                .build();
    }

    static HttpReply reply(APIGatewayV2HTTPResponse response) {
        if (response == null || response.getStatusCode() == 0) {
            // what API Gateway answers for an integration response it cannot use
            return HttpReply.json(500, Map.of("message", "Internal Server Error"));
        }
        return ProxyReplies.of(response.getStatusCode(), response.getMultiValueHeaders(), response.getHeaders(), response.getBody(),
                response.getIsBase64Encoded());
    }
}
