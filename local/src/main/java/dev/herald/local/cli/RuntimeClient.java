package dev.herald.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The CLI's calls to a running herald local's {@code /local/} API. */
public final class RuntimeClient {

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public RuntimeClient(URI base) {
        this.base = base;
    }

    public static URI endpoint(String endpoint, int port) {
        return URI.create(endpoint != null ? endpoint.replaceAll("/+$", "") : "http://127.0.0.1:" + port);
    }

    public URI base() {
        return base;
    }

    /**
     * The app credentials of the herald local at this address, which its AWS endpoints require; empty when what
     * answers there is not herald local (a real EventBridge endpoint, LocalStack), where the default chain applies.
     */
    public Optional<AwsCredentialsProvider> appCredentials() {
        try {
            JsonNode info = get("/local/info");
            String id = info.path("awsAccessKeyId").asText("");
            String secret = info.path("awsSecretAccessKey").asText("");
            return id.isEmpty() || secret.isEmpty() ? Optional.empty()
                    : Optional.of(StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret)));
        } catch (RuntimeException notHeraldLocal) {
            return Optional.empty();
        }
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public JsonNode post(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    /** The response body; throws with the runtime's own error message on a non-2xx status. */
    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException("no herald local answers at " + base + "; start it with ./herald local (or pass --port/--endpoint)");
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach herald local at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        JsonNode body = response.body().isBlank() ? Json.object() : parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw new NotOk(response.statusCode(), body.path("error").asText(response.body()));
        }
        return body;
    }

    private static JsonNode parse(String text) {
        try {
            return Json.parse(text);
        } catch (RuntimeException e) {
            return Json.object().put("error", text);
        }
    }

    /** The runtime answered with an error status. */
    public static final class NotOk extends RuntimeException {
        private final int status;

        NotOk(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
