package dev.herald.local.gateway;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.herald.json.Json;
import dev.herald.local.aws.ConnectionSessions;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket API with API Gateway's route semantics, on Jetty: the upgrade runs the {@code $connect} handler with
 * the query string and headers (any status but 200 refuses the upgrade with that status), each text frame runs
 * {@code $default} and its response body goes back to the client as a frame, and a close runs {@code $disconnect}.
 * The same connect, default and disconnect handlers run here as in the cloud. The Management API stand-in writes
 * to the connections through {@link ConnectionSessions}.
 */
public final class WebSocketGateway implements ConnectionSessions {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketGateway.class);

    public static final String PATH = "/ws";
    /** API Gateway's limits: 128 KB per message, 10 minutes idle. */
    public static final int MAX_MESSAGE_BYTES = 128 * 1024;
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);
    /** An upgrade whose handshake has not completed after this is forgotten. */
    private static final Duration NEVER_OPENED = Duration.ofMinutes(1);

    /** A live connection, as the dev UI lists it. */
    public record Live(String connectionId, String userId, Instant connectedAt, Instant lastActiveAt, String sourceIp, String userAgent) {
    }

    private final RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> connect;
    /** Answers messages until {@link #routeDefault} installs the real handler, which needs the server's port. */
    public static final RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> STARTING = (event, context) -> {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(503);
        response.setBody(Json.write(Map.of("error", "herald local is still starting; send the message again in a moment")));
        return response;
    };

    private volatile RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> defaultRoute;
    private final RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> disconnect;
    private final Function<String, Optional<String>> userOfConnection;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Endpoint> open = new ConcurrentHashMap<>();
    private final AtomicLong lastPrune = new AtomicLong();
    private final java.util.concurrent.atomic.LongAdder framesPosted = new java.util.concurrent.atomic.LongAdder();
    private volatile String domainName = "127.0.0.1";

    /**
     * @param userOfConnection the user a connection was registered for by {@code $connect} (from the connections
     *                         table), for the dev UI
     */
    public WebSocketGateway(RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> connect,
                            RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> defaultRoute,
                            RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> disconnect,
                            Function<String, Optional<String>> userOfConnection, Clock clock) {
        this.connect = connect;
        this.defaultRoute = defaultRoute;
        this.disconnect = disconnect;
        this.userOfConnection = userOfConnection;
        this.clock = clock;
    }

    /** Installs the {@code $default} route's handler. */
    public void routeDefault(RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler) {
        this.defaultRoute = handler;
    }

    /** Maps the gateway onto the server's WebSocket container. */
    public void install(ServerWebSocketContainer container) {
        container.setIdleTimeout(IDLE_TIMEOUT);
        container.setMaxTextMessageSize(MAX_MESSAGE_BYTES);
        container.setMaxBinaryMessageSize(MAX_MESSAGE_BYTES);
        container.addMapping(PATH, (WebSocketCreator) this::upgrade);
    }

    public void domainName(String hostAndPort) {
        this.domainName = hostAndPort;
    }

    private Object upgrade(ServerUpgradeRequest request, ServerUpgradeResponse response, org.eclipse.jetty.util.Callback callback) {
        String connectionId = newConnectionId();
        Map<String, String> headers = new HashMap<>();
        Map<String, List<String>> multiHeaders = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.merge(field.getName(), field.getValue(), (a, b) -> a + "," + b);
            multiHeaders.computeIfAbsent(field.getName(), n -> new java.util.ArrayList<>()).add(field.getValue());
        }
        Map<String, String> query = new HashMap<>();
        Map<String, List<String>> multiQuery = new HashMap<>();
        for (Fields.Field field : Request.extractQueryParameters(request)) {
            query.put(field.getName(), field.getValue());
            multiQuery.put(field.getName(), field.getValues());
        }
        String sourceIp = Request.getRemoteAddr(request);
        String userAgent = request.getHeaders().get(HttpHeader.USER_AGENT);
        Instant connectedAt = clock.instant();
        APIGatewayV2WebSocketEvent event = event("$connect", "CONNECT", connectionId, connectedAt, sourceIp, userAgent);
        event.setHeaders(headers);
        event.setMultiValueHeaders(multiHeaders);
        event.setQueryStringParameters(query.isEmpty() ? null : query);
        event.setMultiValueQueryStringParameters(multiQuery.isEmpty() ? null : multiQuery);
        pruneNeverOpened(connectedAt);
        // in the map before $connect stores the record: a post that finds the record then waits for the handshake
        Endpoint endpoint = new Endpoint(connectionId, connectedAt, sourceIp, userAgent);
        open.put(connectionId, endpoint);
        APIGatewayV2WebSocketResponse answer;
        try {
            answer = connect.handleRequest(event, null);
        } catch (RuntimeException e) {
            LOG.error("$connect handler failed for {}", connectionId, e);
            answer = new APIGatewayV2WebSocketResponse();
            answer.setStatusCode(500);
            answer.setBody(Json.write(Map.of("error", "the $connect handler failed: " + e.getMessage())));
        }
        if (answer == null || answer.getStatusCode() != 200) {
            open.remove(connectionId, endpoint);
            int status = answer == null ? 500 : answer.getStatusCode();
            String body = answer == null || answer.getBody() == null ? Json.write(Map.of("error", "connection refused")) : answer.getBody();
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
            return null;
        }
        endpoint.userId = userOfConnection.apply(connectionId).orElse(null);
        return endpoint;
    }

    /** Forgets endpoints whose handshake never completed (the client went away mid-upgrade). */
    private void pruneNeverOpened(Instant now) {
        // at most once a second: a scan of every session on every upgrade made connecting n sockets cost n²
        long last = lastPrune.get();
        if (now.toEpochMilli() - last < 1000 || !lastPrune.compareAndSet(last, now.toEpochMilli())) {
            return;
        }
        open.values().removeIf(e -> e.session == null && e.connectedAt.isBefore(now.minus(NEVER_OPENED)));
    }

    private APIGatewayV2WebSocketEvent event(String routeKey, String eventType, String connectionId, Instant connectedAt,
                                             String sourceIp, String userAgent) {
        Instant now = clock.instant();
        APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setRouteKey(routeKey);
        context.setEventType(eventType);
        context.setConnectionId(connectionId);
        context.setMessageDirection("IN");
        context.setStage("local");
        context.setApiId("herald-local");
        context.setDomainName(domainName);
        context.setRequestId(UUID.randomUUID().toString());
        context.setExtendedRequestId(context.getRequestId());
        context.setConnectedAt(connectedAt.toEpochMilli());
        context.setRequestTimeEpoch(now.toEpochMilli());
        APIGatewayV2WebSocketEvent.RequestIdentity identity = new APIGatewayV2WebSocketEvent.RequestIdentity();
        identity.setSourceIp(sourceIp);
        identity.setUserAgent(userAgent);
        context.setIdentity(identity);
        APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
        event.setRequestContext(context);
        event.setIsBase64Encoded(false);
        return event;
    }

    /** API Gateway's connection ids: 16 characters of base64 with a trailing '='. */
    private String newConnectionId() {
        byte[] bytes = new byte[11];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replace('/', '_').replace('+', '-');
    }

    @Override
    public boolean send(String connectionId, byte[] data) {
        Endpoint endpoint = open.get(connectionId);
        Session session = endpoint == null ? null : endpoint.awaitOpen();
        if (session == null || !session.isOpen()) {
            return false;
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Callback callback = Callback.from(() -> sent.complete(null), sent::completeExceptionally);
        Optional<String> text = utf8(data);
        if (text.isPresent()) {
            session.sendText(text.get(), callback);
        } else {
            session.sendBinary(ByteBuffer.wrap(data), callback);
        }
        try {
            sent.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            framesPosted.increment();
            return true;
        } catch (ExecutionException e) {
            if (!session.isOpen()) {
                return false;
            }
            throw new IllegalStateException("write failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("write did not complete within " + SEND_TIMEOUT.toSeconds() + " s; the client is not reading");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing", e);
        }
    }

    @Override
    public Optional<Info> info(String connectionId) {
        Endpoint endpoint = open.get(connectionId);
        if (endpoint == null || endpoint.awaitOpen() == null || !endpoint.session.isOpen()) {
            return Optional.empty();
        }
        return Optional.of(new Info(connectionId, endpoint.userId, endpoint.connectedAt, endpoint.lastActiveAt, endpoint.sourceIp, endpoint.userAgent));
    }

    @Override
    public boolean close(String connectionId) {
        Endpoint endpoint = open.get(connectionId);
        if (endpoint == null || endpoint.awaitOpen() == null || !endpoint.session.isOpen()) {
            return false;
        }
        endpoint.session.close(StatusCode.NORMAL, "closed by the Management API (DeleteConnection)", Callback.NOOP);
        return true;
    }

    /** Frames posted to connections through the Management API since start: what API Gateway bills as messages. */
    public long framesPosted() {
        return framesPosted.sum();
    }

    /** The open connections, for the dev UI. */
    public List<Live> connections() {
        Collection<Endpoint> endpoints = open.values();
        return endpoints.stream().filter(e -> e.session != null).map(e -> new Live(e.connectionId, e.userId, e.connectedAt, e.lastActiveAt, e.sourceIp, e.userAgent))
                .sorted(java.util.Comparator.comparing(Live::connectedAt)).toList();
    }

    private static Optional<String> utf8(byte[] data) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** One connection: runs {@code $default} per text frame and {@code $disconnect} on close. */
    public final class Endpoint implements Session.Listener.AutoDemanding {

        final String connectionId;
        /** Set once {@code $connect} has accepted the connection. */
        volatile String userId;
        final Instant connectedAt;
        final String sourceIp;
        final String userAgent;
        volatile Instant lastActiveAt;
        volatile Session session;
        final CompletableFuture<Session> opened = new CompletableFuture<>();

        Endpoint(String connectionId, Instant connectedAt, String sourceIp, String userAgent) {
            this.connectionId = connectionId;
            this.connectedAt = connectedAt;
            this.lastActiveAt = connectedAt;
            this.sourceIp = sourceIp;
            this.userAgent = userAgent;
        }

        /**
         * The session once the handshake is done; null when it is not done within a second, which the Management
         * API answers 410, as API Gateway answers a post to a connection still opening. The endpoint stays: the
         * handshake may yet complete.
         */
        Session awaitOpen() {
            try {
                return opened.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            opened.complete(session);
            LOG.info("WebSocket {} open for user {}", connectionId, userId);
        }

        @Override
        public void onWebSocketText(String message) {
            lastActiveAt = clock.instant();
            APIGatewayV2WebSocketEvent event = event("$default", "MESSAGE", connectionId, connectedAt, sourceIp, userAgent);
            event.getRequestContext().setMessageId(UUID.randomUUID().toString());
            event.setBody(message);
            String reply;
            try {
                APIGatewayV2WebSocketResponse response = defaultRoute.handleRequest(event, null);
                reply = response == null ? null : response.getBody();
            } catch (RuntimeException e) {
                LOG.error("$default handler failed on {}", connectionId, e);
                reply = Json.write(Map.of("error", "the $default handler failed: " + e.getMessage() + "; send the message again"));
            }
            if (reply != null) {
                session.sendText(reply, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            callback.succeed();
            session.sendText(Json.write(Map.of("error", "binary frames are not supported; send JSON text frames such as {\"action\":\"sync\"}")),
                    Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            if (open.remove(connectionId) == null) {
                return;
            }
            APIGatewayV2WebSocketEvent event = event("$disconnect", "DISCONNECT", connectionId, connectedAt, sourceIp, userAgent);
            try {
                disconnect.handleRequest(event, null);
            } catch (RuntimeException e) {
                LOG.warn("$disconnect handler failed for {}: {}", connectionId, e.toString());
            }
            LOG.info("WebSocket {} closed ({} {})", connectionId, statusCode, reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            LOG.debug("WebSocket {} error: {}", connectionId, cause.toString());
        }
    }
}
