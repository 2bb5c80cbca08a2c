package dev.herald.local.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * herald local's one port: a Jetty server on a loopback address that hands WebSocket upgrades to the gateway and
 * every other request to the endpoints, in order. An endpoint that throws gets a 500 that names the failure; the
 * server keeps serving.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

    /** Bodies are read up to this size; the endpoints refuse larger ones with their own error shape. */
    public static final int MAX_BODY_BYTES = 2 * 1024 * 1024;
    /** A larger body is drained up to this size so the client can read the refusal, then the connection is closed. */
    private static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;

    private final Server server;
    private final ServerConnector connector;

    private HttpServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts the server on {@code host:port} (port 0 picks a free one).
     *
     * @param websockets maps WebSocket paths on the container, e.g. {@code c -> c.addMapping("/ws", creator)}
     */
    public static HttpServer start(String host, int port, List<HttpEndpoint> endpoints, Consumer<ServerWebSocketContainer> websockets) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("herald-http");
        // handlers block on DynamoDB Local and on WebSocket writes; virtual threads make that cheap
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, websockets);
        upgrade.setHandler(new Endpoints(endpoints));
        server.setHandler(upgrade);
        server.setStopTimeout(500);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // the start failure is what matters
            }
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + (port != 0 ? "; is another herald local running? pick another port with --port" : ""), e);
        }
        return new HttpServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), port());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (TimeoutException e) {
            // requests still open after the grace period (idle keep-alive clients, open sockets) are cut: fine locally
            LOG.debug("HTTP server stopped after its grace period");
        } catch (Exception e) {
            LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
        }
    }

    /** Reads each request into an {@link HttpCall} and asks the endpoints in turn. */
    private static final class Endpoints extends Handler.Abstract {

        private final List<HttpEndpoint> endpoints;

        Endpoints(List<HttpEndpoint> endpoints) {
            this.endpoints = List.copyOf(endpoints);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws IOException {
            HttpCall head = readHead(request);
            Optional<HttpReply> refused = refuseBeforeBody(head);
            HttpCall call = head;
            HttpReply reply;
            if (refused.isPresent()) {
                reply = refused.get();
            } else {
                call = readBody(request, head);
                try {
                    reply = dispatch(call);
                } catch (RuntimeException e) {
                    LOG.error("{} {} failed", call.method(), call.path(), e);
                    reply = HttpReply.error(500, "herald local failed on " + call.method() + " " + call.path() + ": " + e
                            + "; the runtime is still serving, see its log for the stack trace");
                }
            }
            response.setStatus(reply.status());
            if (reply.contentType() != null) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
            }
            reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
            if (refused.isPresent() || call.bodyTooLarge()) {
                // the body was not read (or not all of it): this connection cannot carry another request
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            if (refused.isPresent()) {
                // the answer is decided from the head alone and goes out at once; the body is then read and thrown
                // away, never kept, because clients such as HttpURLConnection write all of it before reading the answer
                response.write(true, ByteBuffer.wrap(reply.body()), Callback.from(
                        () -> Thread.startVirtualThread(() -> discardBody(request, callback)), callback::failed));
            } else {
                response.write(true, ByteBuffer.wrap(reply.body()), callback);
            }
            return true;
        }

        /** The first endpoint's refusal from the head alone, else a declared body over what the server reads at all. */
        private Optional<HttpReply> refuseBeforeBody(HttpCall head) {
            for (HttpEndpoint endpoint : endpoints) {
                Optional<HttpReply> refused = endpoint.refuseBeforeBody(head);
                if (refused.isPresent()) {
                    return refused;
                }
            }
            if (head.contentLength() > MAX_BODY_BYTES) {
                return Optional.of(HttpReply.error(413, "the request body is " + head.contentLength() + " bytes; herald local reads at most "
                        + MAX_BODY_BYTES + " bytes per request"));
            }
            return Optional.empty();
        }

        private HttpReply dispatch(HttpCall call) {
            for (HttpEndpoint endpoint : endpoints) {
                Optional<HttpReply> reply = endpoint.handle(call);
                if (reply.isPresent()) {
                    return reply.get();
                }
            }
            String message = "herald local has nothing at " + call.method() + " " + call.path() + "; open / for the dev UI and the list of endpoints";
            if (call.is("POST", "/")) {
                // the awsJson and awsQuery services share POST /: the operation is in a header or in the form
                String missing = "POST / names its operation in the X-Amz-Target header (awsJson, e.g. AWSEvents.PutEvents), or in the "
                        + "Action field of an application/x-www-form-urlencoded body (awsQuery, e.g. SNS Action=Publish); this request has neither";
                return HttpReply.json(400, Map.of("__type", "UnknownOperationException", "message", missing))
                        .withHeader("x-amzn-ErrorType", "UnknownOperationException");
            }
            Optional<String> service = signedFor(call);
            if (service.isPresent()) {
                // an AWS SDK or CLI call to a service herald local does not stand in for: answer in the AWS error shape
                String named = "herald local does not support " + service.get() + " " + call.method() + " " + call.path()
                        + "; it serves EventBridge PutEvents, SES v2 SendEmail, SNS mobile push and the API Gateway Management API";
                return HttpReply.json(404, Map.of("message", named, "error", named)).withHeader("x-amzn-ErrorType", "UnknownOperationException");
            }
            return HttpReply.error(404, message);
        }

        /** The service a SigV4-signed request was signed for ({@code Credential=KEY/DATE/REGION/SERVICE/aws4_request}). */
        private static Optional<String> signedFor(HttpCall call) {
            String authorization = call.header("authorization").orElse("");
            int at = authorization.indexOf("Credential=");
            if (!authorization.startsWith("AWS4-HMAC-SHA256") || at < 0) {
                return Optional.empty();
            }
            String[] scope = authorization.substring(at + "Credential=".length()).split("[,\\s]")[0].split("/");
            return scope.length >= 4 ? Optional.of(scope[3]) : Optional.empty();
        }

        private static HttpCall readHead(Request request) {
            Map<String, String> headers = new HashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.merge(field.getLowerCaseName(), field.getValue(), (a, b) -> a + "," + b);
            }
            Map<String, List<String>> query = new HashMap<>();
            Fields fields = Request.extractQueryParameters(request);
            for (Fields.Field field : fields) {
                query.put(field.getName(), field.getValues());
            }
            String path = request.getHttpURI().getDecodedPath();
            return new HttpCall(request.getMethod().toUpperCase(Locale.ROOT), path == null ? "/" : path, query, headers, new byte[0], false,
                    request.getHttpURI().getPath(), request.getHttpURI().getQuery());
        }

        /** Reads what is left of a refused request's body, up to {@link #MAX_DRAIN_BYTES}, keeping none of it. */
        private static void discardBody(Request request, Callback callback) {
            try (InputStream in = Content.Source.asInputStream(request)) {
                drain(in);
            } catch (IOException | RuntimeException clientGone) {
                // the client stopped sending or closed: nothing more to read
            }
            callback.succeeded();
        }

        private static void drain(InputStream in) throws IOException {
            long drained = 0;
            byte[] sink = new byte[64 * 1024];
            int n;
            while (drained < MAX_DRAIN_BYTES && (n = in.read(sink)) > 0) {
                drained += n;
            }
        }

        private static HttpCall readBody(Request request, HttpCall head) throws IOException {
            try (InputStream in = Content.Source.asInputStream(request)) {
                byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
                if (body.length <= MAX_BODY_BYTES) {
                    return head.withBody(body, false);
                }
                drain(in);
                return head.withBody(body, true);
            }
        }
    }
}
