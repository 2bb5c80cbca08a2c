package dev.herald.local;

import dev.herald.json.Json;
import dev.herald.local.bus.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** Starts herald local on a free loopback port for a test, with fast retries, and talks to it the way apps do. */
final class LocalFixture {

    static final Path TEMPLATES = Path.of("../templates");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalFixture() {
    }

    static LocalOptions options() {
        return LocalOptions.defaults(TEMPLATES).withPort(0).withRetries(RetryPolicy.ofMillis(50, 100));
    }

    static HeraldLocal start() {
        return HeraldLocal.start(options());
    }

    /**
     * The shipped templates, in a temporary copy, plus one more type whose templates are {@code templatesOf}'s and
     * whose catalog entry is {@code yaml} (indented as under {@code types:}).
     */
    static Path templatesWithType(String type, String templatesOf, String yaml) {
        try {
            Path dir = Files.createTempDirectory("herald-templates");
            copy(TEMPLATES, dir, f -> !f.toString().contains("target") && !f.toString().contains("src"));
            copy(TEMPLATES.resolve(templatesOf), dir.resolve(type), f -> true);
            Files.writeString(dir.resolve("catalog.yaml"), "\n" + yaml, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to, Predicate<Path> keep) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(keep).toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    static EventBridgeClient eventBridge(HeraldLocal local) {
        return local.client(EventBridgeClient.builder());
    }

    /** Publishes one event with the real SDK and returns its id. */
    static String publish(HeraldLocal local, String source, String type, String detail) {
        try (EventBridgeClient events = eventBridge(local)) {
            var response = events.putEvents(r -> r.entries(e -> e.eventBusName("herald").source(source).detailType(type).detail(detail)));
            if (response.failedEntryCount() > 0) {
                throw new AssertionError("PutEvents refused the entry: " + response.entries());
            }
            return response.entries().getFirst().eventId();
        }
    }

    static HttpResponse<String> get(HeraldLocal local, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(local.baseUrl() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(HeraldLocal local, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(local.baseUrl() + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A raw PutEvents request, {@code body} as it is (malformed or not), signed with herald local's app credentials by
     * the SDK's own SigV4 signer: what any client that gets past authentication can send.
     */
    static HttpResponse<String> putEventsRaw(HeraldLocal local, String body) throws Exception {
        return signedPost(local, "events", body, "Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "AWSEvents.PutEvents");
    }

    /** {@code POST /} with {@code body} and {@code headers}, signed for {@code service} with the app credentials. */
    static HttpResponse<String> signedPost(HeraldLocal local, String service, String body, String... headers) throws Exception {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create(local.baseUrl() + "/"));
        for (int i = 0; i < headers.length; i += 2) {
            unsigned.putHeader(headers[i], headers[i + 1]);
        }
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(local.appCredentials().accessKeyId(), local.appCredentials().secretAccessKey()))
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")).request();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(local.baseUrl() + "/")).POST(HttpRequest.BodyPublishers.ofString(body));
        // java.net.http sets Host itself, from the same URI the signature covers
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits (bounded) until {@code condition} holds. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A WebSocket client (java.net.http) that keeps every text frame it receives. */
    static final class Client implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        static Client connect(HeraldLocal local, String token) {
            Client client = new Client();
            client.socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(local.webSocketUrl() + "?token=" + token), client)
                    .orTimeout(5, TimeUnit.SECONDS).join();
            return client;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String frame = frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within 10 s");
            }
            return frame;
        }

        /** The next in-app item, skipping the events pushed beside items (counts, state changes); bounded by 10 s. */
        String nextItem() throws InterruptedException {
            String item = pollItem(10_000);
            if (item == null) {
                throw new AssertionError("no in-app item within 10 s");
            }
            return item;
        }

        /** The next in-app item within {@code millis}, skipping pushed events; null when none came. */
        String pollItem(long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
                String frame = frames.poll(left, TimeUnit.MILLISECONDS);
                if (frame != null && !Json.parse(frame).has("event")) {
                    return frame;
                }
            }
            return null;
        }

        /** How many in-app items have arrived and not been taken, leaving out pushed events. */
        long itemsWaiting() {
            return frames.stream().filter(f -> !Json.parse(f).has("event")).count();
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }

        @Override
        public void close() {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "test done").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
            }
            socket.abort();
        }
    }

    static com.fasterxml.jackson.databind.JsonNode json(String text) {
        return Json.parse(text);
    }
}
