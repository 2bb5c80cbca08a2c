package dev.herald.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.herald.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A local EventBridge PutEvents endpoint (JSON 1.1) for tests that use the real EventBridgeClient. It records every
 * call's entries and can refuse chosen entries, as EventBridge does in a partial failure. Close it to stop it.
 */
public final class PutEventsRecorder implements AutoCloseable {

    private final HttpServer server;
    private final List<List<JsonNode>> calls = new CopyOnWriteArrayList<>();
    private volatile Predicate<JsonNode> refuse = entry -> false;

    public PutEventsRecorder() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            JsonNode request = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ObjectNode response = Json.object();
            ArrayNode results = response.putArray("Entries");
            List<JsonNode> entries = new java.util.ArrayList<>();
            int failed = 0;
            for (JsonNode entry : request.path("Entries")) {
                entries.add(entry);
                if (refuse.test(entry)) {
                    failed++;
                    results.addObject().put("ErrorCode", "InternalFailure").put("ErrorMessage", "try again");
                } else {
                    results.addObject().put("EventId", UUID.randomUUID().toString());
                }
            }
            calls.add(List.copyOf(entries));
            response.put("FailedEntryCount", failed);
            byte[] body = Json.writeBytes(response);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Refuses every entry the predicate accepts (it sees each entry's JSON, e.g. {@code Detail}), on every call. */
    public void refuse(Predicate<JsonNode> predicate) {
        this.refuse = predicate;
    }

    /** The entries of each call, in order. */
    public List<List<JsonNode>> calls() {
        return List.copyOf(calls);
    }

    public List<JsonNode> entries() {
        return calls.stream().flatMap(List::stream).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
