package dev.herald.channel.websocket;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for API Gateway's {@code @connections} Management API on 127.0.0.1, for the real
 * {@code ApiGatewayManagementApiClient}: {@code POST /@connections/{id}} records the frame and answers 200, or 410
 * (GoneException) for a gone connection, or 429 / 500 on demand. Close it after the test.
 */
final class ConnectionsEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, List<String>> frames = new ConcurrentHashMap<>();
    private final Set<String> gone = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    ConnectionsEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/@connections/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Posts to this connection get 410 from now on. */
    ConnectionsEndpoint gone(String connectionId) {
        gone.add(connectionId);
        return this;
    }

    /** Posts to this connection get {@code status} (429 throttling or a 5xx) until {@link #heal}. */
    ConnectionsEndpoint failWith(String connectionId, int status) {
        failures.put(connectionId, status);
        return this;
    }

    void heal() {
        failures.clear();
    }

    List<String> framesFor(String connectionId) {
        return List.copyOf(frames.getOrDefault(connectionId, List.of()));
    }

    int totalFrames() {
        return frames.values().stream().mapToInt(List::size).sum();
    }

    int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            String raw = exchange.getRequestURI().getRawPath().substring("/@connections/".length());
            String connectionId = URLDecoder.decode(raw, StandardCharsets.UTF_8);
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (gone.contains(connectionId)) {
                error(exchange, 410, "GoneException", "connection " + connectionId + " is gone");
                return;
            }
            Integer failure = failures.get(connectionId);
            if (failure != null) {
                error(exchange, failure, failure == 429 ? "LimitExceededException" : "InternalServerErrorException", "failing on demand");
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "POST" -> {
                    frames.computeIfAbsent(connectionId, id -> new CopyOnWriteArrayList<>()).add(new String(body, StandardCharsets.UTF_8));
                    exchange.sendResponseHeaders(200, -1);
                }
                case "DELETE" -> exchange.sendResponseHeaders(204, -1);
                default -> error(exchange, 400, "BadRequestException", "unsupported method");
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        byte[] json = ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        exchange.sendResponseHeaders(status, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
