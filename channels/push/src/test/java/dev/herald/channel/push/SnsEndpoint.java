package dev.herald.channel.push;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for SNS's query protocol on 127.0.0.1, for the real {@code SnsClient}: {@code Publish},
 * {@code CreatePlatformEndpoint}, {@code GetEndpointAttributes}, {@code SetEndpointAttributes} and
 * {@code DeleteEndpoint} over form-encoded POSTs, answering XML as SNS does, including the errors SNS returns
 * (EndpointDisabled for a disabled endpoint, NotFound, Throttled, InternalError) on demand, per endpoint or per action. Close it after the test.
 */
final class SnsEndpoint implements AutoCloseable {

    private static final String NS = "http://sns.amazonaws.com/doc/2010-03-31/";

    /** A published message. */
    record Published(String targetArn, String messageStructure, String message) {
    }

    /** A platform endpoint as SNS keeps it. */
    static final class Endpoint {
        final String arn;
        final String application;
        volatile String token;
        volatile boolean enabled = true;
        volatile String customUserData;

        Endpoint(String arn, String application, String token, String customUserData) {
            this.arn = arn;
            this.application = application;
            this.token = token;
            this.customUserData = customUserData;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final List<Published> published = new CopyOnWriteArrayList<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, Integer> actionFailures = new ConcurrentHashMap<>();

    SnsEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** An existing, enabled endpoint, as if registered earlier. */
    String endpoint(String application, String token) {
        String arn = "arn:aws:sns:us-east-1:123456789012:endpoint/" + platformOf(application) + "/herald/" + UUID.randomUUID();
        endpoints.put(arn, new Endpoint(arn, application, token, null));
        return arn;
    }

    Endpoint find(String arn) {
        return endpoints.get(arn);
    }

    /** SNS disables an endpoint when the platform reports its token invalid. */
    void disable(String arn) {
        endpoints.get(arn).enabled = false;
    }

    void remove(String arn) {
        endpoints.remove(arn);
    }

    /** Publishes to this endpoint get {@code status} (429 Throttled, 400 InvalidParameter, 500 InternalError) until {@link #heal}. */
    void failWith(String arn, int status) {
        failures.put(arn, status);
    }

    /** Every call of {@code action} (e.g. CreatePlatformEndpoint) gets {@code status} (429 Throttled, 500 InternalError) until {@link #heal}. */
    void failAction(String action, int status) {
        actionFailures.put(action, status);
    }

    void heal() {
        failures.clear();
        actionFailures.clear();
    }

    List<Published> published() {
        return List.copyOf(published);
    }

    List<Published> publishedTo(String arn) {
        return published.stream().filter(p -> p.targetArn().equals(arn)).toList();
    }

    /** The actions called, in order. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    int endpointCount() {
        return endpoints.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String action = form.getOrDefault("Action", "");
            calls.add(action);
            Integer failure = actionFailures.get(action);
            if (failure != null) {
                error(exchange, failure, failure == 429 ? "Throttled" : "InternalError", "failing on demand");
                return;
            }
            switch (action) {
                case "Publish" -> publish(exchange, form);
                case "CreatePlatformEndpoint" -> create(exchange, form);
                case "GetEndpointAttributes" -> getAttributes(exchange, form);
                case "SetEndpointAttributes" -> setAttributes(exchange, form);
                case "DeleteEndpoint" -> {
                    endpoints.remove(form.get("EndpointArn"));
                    ok(exchange, action, "");
                }
                default -> error(exchange, 400, "InvalidAction", "unsupported action " + action);
            }
        }
    }

    private void publish(HttpExchange exchange, Map<String, String> form) throws IOException {
        String arn = form.get("TargetArn");
        Integer failure = failures.get(arn);
        if (failure != null) {
            String code = switch (failure) {
                case 429 -> "Throttled";
                case 400 -> "InvalidParameter";
                default -> "InternalError";
            };
            error(exchange, failure, code, "failing on demand");
            return;
        }
        Endpoint endpoint = endpoints.get(arn);
        if (endpoint == null) {
            error(exchange, 404, "NotFound", "Endpoint does not exist");
            return;
        }
        if (!endpoint.enabled) {
            error(exchange, 400, "EndpointDisabled", "Endpoint is disabled");
            return;
        }
        published.add(new Published(arn, form.get("MessageStructure"), form.get("Message")));
        ok(exchange, "Publish", "<MessageId>" + UUID.randomUUID() + "</MessageId>");
    }

    private void create(HttpExchange exchange, Map<String, String> form) throws IOException {
        String application = form.get("PlatformApplicationArn");
        String token = form.get("Token");
        String userData = form.get("CustomUserData");
        for (Endpoint existing : endpoints.values()) {
            if (existing.application.equals(application) && existing.token.equals(token)) {
                if (java.util.Objects.equals(existing.customUserData, userData) && existing.enabled) {
                    ok(exchange, "CreatePlatformEndpoint", "<EndpointArn>" + existing.arn + "</EndpointArn>");
                } else {
                    error(exchange, 400, "InvalidParameter", "Invalid parameter: Token Reason: Endpoint " + existing.arn
                            + " already exists with the same Token, but different attributes.");
                }
                return;
            }
        }
        String arn = "arn:aws:sns:us-east-1:123456789012:endpoint/" + platformOf(application) + "/herald/" + UUID.randomUUID();
        endpoints.put(arn, new Endpoint(arn, application, token, userData));
        ok(exchange, "CreatePlatformEndpoint", "<EndpointArn>" + arn + "</EndpointArn>");
    }

    private void getAttributes(HttpExchange exchange, Map<String, String> form) throws IOException {
        Endpoint endpoint = endpoints.get(form.get("EndpointArn"));
        if (endpoint == null) {
            error(exchange, 404, "NotFound", "Endpoint does not exist");
            return;
        }
        StringBuilder xml = new StringBuilder("<Attributes>");
        entry(xml, "Token", endpoint.token);
        entry(xml, "Enabled", Boolean.toString(endpoint.enabled));
        if (endpoint.customUserData != null) {
            entry(xml, "CustomUserData", endpoint.customUserData);
        }
        ok(exchange, "GetEndpointAttributes", xml.append("</Attributes>").toString());
    }

    private void setAttributes(HttpExchange exchange, Map<String, String> form) throws IOException {
        Endpoint endpoint = endpoints.get(form.get("EndpointArn"));
        if (endpoint == null) {
            error(exchange, 404, "NotFound", "Endpoint does not exist");
            return;
        }
        for (int i = 1; form.containsKey("Attributes.entry." + i + ".key"); i++) {
            String key = form.get("Attributes.entry." + i + ".key");
            String value = form.get("Attributes.entry." + i + ".value");
            switch (key) {
                case "Token" -> endpoint.token = value;
                case "Enabled" -> endpoint.enabled = Boolean.parseBoolean(value);
                case "CustomUserData" -> endpoint.customUserData = value;
                default -> {
                }
            }
        }
        ok(exchange, "SetEndpointAttributes", "");
    }

    private static void entry(StringBuilder xml, String key, String value) {
        xml.append("<entry><key>").append(escape(key)).append("</key><value>").append(escape(value)).append("</value></entry>");
    }

    private static void ok(HttpExchange exchange, String action, String result) throws IOException {
        String xml = "<" + action + "Response xmlns=\"" + NS + "\">"
                + (result.isEmpty() ? "" : "<" + action + "Result>" + result + "</" + action + "Result>")
                + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
                + "</" + action + "Response>";
        send(exchange, 200, xml);
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        String xml = "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + code
                + "</Code><Message>" + escape(message) + "</Message></Error><RequestId>" + UUID.randomUUID() + "</RequestId></ErrorResponse>";
        send(exchange, status, xml);
    }

    private static void send(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    private static String platformOf(String application) {
        return application.contains("/GCM/") ? "GCM" : application.contains("/APNS_SANDBOX/") ? "APNS_SANDBOX" : "APNS";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
