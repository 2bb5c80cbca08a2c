package dev.herald.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enough of SES v2 {@code SendEmail} (REST-JSON, {@code POST /v2/email/outbound-emails}) for the real SesV2Client:
 * it records each accepted email and answers with a message id. An address's local part chooses an error, every
 * time it is sent to (so the SDK's own retries see the same answer): {@code rejected…} → 400 MessageRejected,
 * {@code invalid…} → 400 BadRequestException, {@code throttled…} → 429 TooManyRequestsException,
 * {@code broken…} → 500.
 */
final class SesEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final List<JsonNode> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();

    SesEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/email/outbound-emails", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The SendEmail requests SES accepted, as their JSON bodies. */
    List<JsonNode> sent() {
        return List.copyOf(sent);
    }

    /** Every SendEmail call, accepted or not (the SDK's retries included). */
    int attempts() {
        return attempts.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            attempts.incrementAndGet();
            if (!exchange.getRequestMethod().equals("POST")) {
                error(exchange, 405, "MethodNotAllowed", "only POST");
                return;
            }
            JsonNode request = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String to = request.path("Destination").path("ToAddresses").path(0).asText("");
            if (to.startsWith("rejected")) {
                error(exchange, 400, "MessageRejected", "Email address is not verified.");
            } else if (to.startsWith("invalid")) {
                error(exchange, 400, "BadRequestException", "Illegal address");
            } else if (to.startsWith("throttled")) {
                error(exchange, 429, "TooManyRequestsException", "Maximum sending rate exceeded.");
            } else if (to.startsWith("broken")) {
                error(exchange, 500, "InternalFailure", "Internal error");
            } else {
                sent.add(request);
                respond(exchange, 200, "{\"MessageId\":\"ses-" + sent.size() + "\"}", null);
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        respond(exchange, status, "{\"message\":\"" + message + "\"}", code);
    }

    private static void respond(HttpExchange exchange, int status, String body, String errorType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", "req-" + System.nanoTime());
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
