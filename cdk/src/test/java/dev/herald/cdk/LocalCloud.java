package dev.herald.cdk;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.herald.aws.AwsClients;
import dev.herald.config.HeraldEnv;
import dev.herald.json.Json;
import dev.herald.local.HeraldLocal;
import dev.herald.local.LocalOptions;
import dev.herald.store.HeraldTables;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What a deployed handler talks to, all on this machine: DynamoDB Local as a server (the handler runs in its own
 * JVM) holding Herald's tables, herald local for EventBridge, SQS (queues the handlers hand work on through, which
 * the test reads), SES v2, SNS and the WebSocket {@code @connections} API, and a stand-in for the token issuer's JWKS. A handler reaches them through the SDK's own
 * per-service endpoint variables ({@code AWS_ENDPOINT_URL_<SERVICE>}), with the credentials Lambda puts in the
 * environment, so its clients are built exactly as in the cloud.
 */
final class LocalCloud implements AutoCloseable {

    static final String ISSUER_KEY_ID = "herald-test-key";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A browser's WebSocket to herald local's gateway, with the connection id API Gateway would have given it. */
    record Socket(String connectionId, WebSocket webSocket, BlockingQueue<String> frames) implements AutoCloseable {

        /** The next text frame, waiting at most {@code timeout}. */
        Optional<String> nextFrame(Duration timeout) throws InterruptedException {
            return Optional.ofNullable(frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
        }

        @Override
        public void close() {
            webSocket.abort();
        }
    }

    private final DynamoDBProxyServer dynamoServer;
    private final URI dynamoUrl;
    private final HeraldLocal local;
    private final HttpServer standIn;
    private final RSAKey issuerKey;
    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final Map<HeraldEnv, String> handOffQueues = new EnumMap<>(HeraldEnv.class);
    private SqsClient sqs;

    private LocalCloud(HeraldTables.Names tables) throws Exception {
        int port = freePort();
        // one database whatever the credentials and region (the handlers sign as Lambda would, in eu-west-1); DynamoDB
        // Local has no bind-address option: it is reached on 127.0.0.1 only, and stopped by close()
        this.dynamoServer = ServerRunner.createServerFromCommandLineArgs(new String[]{"-inMemory", "-sharedDb", "-port", String.valueOf(port), "-disableTelemetry"});
        this.dynamoServer.start();
        this.dynamoUrl = URI.create("http://127.0.0.1:" + port);
        this.dynamo = AwsClients.build(DynamoDbClient.builder(), Optional.of(dynamoUrl));
        this.streams = AwsClients.build(DynamoDbStreamsClient.builder(), Optional.of(dynamoUrl));
        HeraldTables.createIfMissing(dynamo, tables);
        this.local = HeraldLocal.start(LocalOptions.defaults(Path.of("../templates")).withPort(0));
        this.issuerKey = new RSAKeyGenerator(2048).keyID(ISSUER_KEY_ID).generate();
        this.standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.standIn.createContext("/jwks.json", exchange -> reply(exchange, 200, new JWKSet(issuerKey.toPublicJWK()).toString()));
        this.standIn.start();
    }

    static LocalCloud start(HeraldTables.Names tables) {
        try {
            return new LocalCloud(tables);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the local cloud for the handlers: " + e, e);
        }
    }

    /**
     * The variables that point a handler's SDK clients here, and the credentials Lambda gives a SnapStart function:
     * no {@code AWS_ACCESS_KEY_ID}, only the container-credentials endpoint (herald local's) and its token, so the
     * handler signs with temporary credentials that herald local issued and checks, or fails as it would in AWS.
     */
    Map<String, String> endpointVariables() {
        Map<String, String> variables = new TreeMap<>(local.functionCredentialsEnvironment());
        variables.putAll(Map.of(
                "AWS_ENDPOINT_URL_DYNAMODB", dynamoUrl.toString(),
                "AWS_ENDPOINT_URL_EVENTBRIDGE", local.baseUrl(),
                "AWS_ENDPOINT_URL_SESV2", local.baseUrl(),
                "AWS_ENDPOINT_URL_SNS", local.baseUrl(),
                "AWS_ENDPOINT_URL_SQS", local.baseUrl()));
        return variables;
    }

    String standInUrl() {
        return "http://127.0.0.1:" + standIn.getAddress().getPort();
    }

    HeraldLocal local() {
        return local;
    }

    /**
     * A queue of herald local's SQS for a hand-off variable ({@code HERALD_..._QUEUE_URL}) that none of herald local's
     * own functions reads: where a handler run from its jar hands its work on, for the test to read back.
     */
    synchronized String handOffQueue(HeraldEnv variable) {
        return handOffQueues.computeIfAbsent(variable,
                v -> sqs().createQueue(r -> r.queueName("jar-" + v.name().toLowerCase(Locale.ROOT).replace('_', '-'))).queueUrl());
    }

    /** The messages waiting in a hand-off queue (at most ten), taken out of it. */
    List<String> handedOff(HeraldEnv variable) {
        String url = handOffQueue(variable);
        List<Message> messages = sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        messages.forEach(m -> sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle())));
        return messages.stream().map(Message::body).toList();
    }

    private synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = local.client(SqsClient.builder());
        }
        return sqs;
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    DynamoDbStreamsClient streams() {
        return streams;
    }

    /** Connects {@code userId} to herald local's WebSocket gateway, as the browser client does. */
    Socket connect(String userId) throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket webSocket = HTTP.newWebSocketBuilder()
                .buildAsync(URI.create(local.webSocketUrl() + "?token=" + local.token(userId, Duration.ofMinutes(10))), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        frames.add(data.toString());
                        socket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(local.baseUrl() + "/local/connections")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (JsonNode live : Json.parse(body)) {
                if (userId.equals(live.path("userId").asText())) {
                    return new Socket(live.path("connectionId").asText(), webSocket, frames);
                }
            }
            Thread.sleep(20);
        }
        webSocket.abort();
        throw new AssertionError("herald local did not list the WebSocket connection of " + userId + " within 10 s");
    }

    /** A token the issuer whose JWKS the stand-in serves would give {@code userId}. */
    String token(String userId, String issuer, String audience) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ISSUER_KEY_ID).build(),
                    new JWTClaimsSet.Builder().subject(userId).issuer(issuer).audience(audience)
                            .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))).build());
            jwt.sign(new RSASSASigner(issuerKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        standIn.stop(0);
        if (sqs != null) {
            sqs.close();
        }
        local.close();
        dynamo.close();
        streams.close();
        try {
            dynamoServer.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop: " + e, e);
        }
    }
}
