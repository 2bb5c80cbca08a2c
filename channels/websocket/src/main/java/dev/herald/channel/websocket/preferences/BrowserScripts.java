package dev.herald.channel.websocket.preferences;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The browser scripts ({@code herald-client.js} and the {@code <herald-inbox>} element's {@code herald-inbox.js}) as
 * the preferences HTTP API serves them, publicly, next to {@code /preferences}: the inbox loads the client from its own
 * directory, so both sit at the API's root, as herald local serves them. The bytes come from the jar (under
 * {@value #RESOURCE_DIR}, copied there from {@code channels/websocket/client/}), read once; browsers keep them an hour
 * and revalidate with the ETag, a hash of the content, so a new deployment is picked up within the hour.
 */
final class BrowserScripts {

    /** The routes the CDK stack sends here without an authorizer. */
    static final List<String> PATHS = List.of("/herald-client.js", "/herald-inbox.js");
    static final String RESOURCE_DIR = "herald-web/";
    static final String CONTENT_TYPE = "text/javascript; charset=utf-8";
    static final String CACHE_CONTROL = "public, max-age=3600";

    private record Script(String body, String etag) {
    }

    private final Map<String, Script> scripts;

    private BrowserScripts(Map<String, Script> scripts) {
        this.scripts = scripts;
    }

    /** Reads the scripts from the class path; a jar built without them fails here, at start-up, and says so. */
    static BrowserScripts fromClasspath() {
        Map<String, Script> scripts = new LinkedHashMap<>();
        for (String path : PATHS) {
            byte[] bytes = read(RESOURCE_DIR + path.substring(1));
            scripts.put(path, new Script(new String(bytes, StandardCharsets.UTF_8), etag(bytes)));
        }
        return new BrowserScripts(Map.copyOf(scripts));
    }

    boolean serves(String path) {
        return scripts.containsKey(path);
    }

    /**
     * The script at {@code path} (one of {@link #PATHS}), or 304 when {@code ifNoneMatch} names its current ETag.
     *
     * @param method anything but GET is a 405 (herald local may pass any; API Gateway routes GET only)
     */
    APIGatewayV2HTTPResponse serve(String method, String path, Optional<String> ifNoneMatch) {
        Script script = scripts.get(path);
        if (script == null) {
            throw new IllegalArgumentException(path + " is not one of the browser scripts " + PATHS);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (!"GET".equals(method)) {
            headers.put("Content-Type", "text/plain; charset=utf-8");
            headers.put("Allow", "GET");
            return response(405, headers, path + " takes GET only, not " + method);
        }
        headers.put("Cache-Control", CACHE_CONTROL);
        headers.put("ETag", script.etag());
        if (ifNoneMatch.filter(tags -> matches(tags, script.etag())).isPresent()) {
            return response(304, headers, null);
        }
        headers.put("Content-Type", CONTENT_TYPE);
        return response(200, headers, script.body());
    }

    /** If-None-Match may list several tags, weak ones too (RFC 9110 §13.1.2 compares them weakly), or be {@code *}. */
    private static boolean matches(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String trimmed = tag.strip();
            if (trimmed.equals("*") || trimmed.equals(etag) || trimmed.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static APIGatewayV2HTTPResponse response(int status, Map<String, String> headers, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(headers).withBody(body).withIsBase64Encoded(false)
                .build();
    }

    private static byte[] read(String resource) {
        try (InputStream in = BrowserScripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path: the websocket module's jar copies it from "
                        + "channels/websocket/client/ (see its pom.xml's resources); rebuild the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource + " from the class path", e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            // 128 bits tell versions of a script apart; quoted, as an entity tag is
            return "\"" + HexFormat.of().formatHex(hash, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
