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
 * @param path         the decoded path
 * @param bodyTooLarge the body was longer than the server reads ({@link HttpServer#MAX_BODY_BYTES}); {@code body} is cut
 * @param rawPath      the path as it arrived, still percent-encoded (what a SigV4 signature covers)
 * @param rawQuery     the query string as it arrived, or null
 */
public record HttpCall(String method, String path, Map<String, List<String>> query, Map<String, String> headers, byte[] body,
                       boolean bodyTooLarge, String rawPath, String rawQuery) {

    public HttpCall {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        rawPath = rawPath == null ? path : rawPath;
    }

    /** A call built by hand, whose path needs no encoding and which has no query string. */
    public HttpCall(String method, String path, Map<String, List<String>> query, Map<String, String> headers, byte[] body,
                    boolean bodyTooLarge) {
        this(method, path, query, headers, body, bodyTooLarge, path, null);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The declared {@code Content-Length}, or -1 when none was sent (or it is not a number). */
    public long contentLength() {
        try {
            return header("content-length").map(Long::parseLong).orElse(-1L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** This call with its body, once read. */
    public HttpCall withBody(byte[] body, boolean bodyTooLarge) {
        return new HttpCall(method, path, query, headers, body, bodyTooLarge, rawPath, rawQuery);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean is(String method, String path) {
        return this.method.equals(method) && this.path.equals(path);
    }
}
