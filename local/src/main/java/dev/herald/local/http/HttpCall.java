package dev.herald.local.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as herald local's endpoints see it: already read, so the endpoints are plain functions from a
 * call to an {@link HttpReply}, testable without a server. Header names are lower-case.
 *
 * @param bodyTooLarge the body was longer than the server reads ({@link HttpServer#MAX_BODY_BYTES}); {@code body} is cut
 */
public record HttpCall(String method, String path, Map<String, List<String>> query, Map<String, String> headers, byte[] body,
                       boolean bodyTooLarge) {

    public HttpCall {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean is(String method, String path) {
        return this.method.equals(method) && this.path.equals(path);
    }
}
