package dev.herald.local.http;

import dev.herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response: status, content type, body and extra headers. Immutable. */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json";

    public HttpReply {
        headers = Map.copyOf(headers);
    }

    public static HttpReply json(int status, Object body) {
        return new HttpReply(status, JSON, Json.writeBytes(body), Map.of());
    }

    /** Herald's own error shape: {@code {"error": message}}. */
    public static HttpReply error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    public static HttpReply text(int status, String contentType, String body) {
        return new HttpReply(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static HttpReply empty(int status) {
        return new HttpReply(status, null, new byte[0], Map.of());
    }

    public HttpReply withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpReply(status, contentType, body, copy);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
