package dev.herald.local.aws;

import dev.herald.dispatch.ChannelQueue;
import dev.herald.fanout.FanOutProgress;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import dev.herald.local.http.HttpServer;
import dev.herald.queue.RetryBackoff;
import dev.herald.queue.TokenBucket;
import dev.herald.queue.WorkQueue;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The SQS, EventBridge Scheduler, SES v2, SNS and API Gateway Management API stand-ins on 127.0.0.1 with a free
 * port, as herald local serves them: strict, SigV4-verified against the function credentials issued here. For tests
 * that run a handler with the real SDK clients:
 * <pre>{@code
 * try (LocalAws aws = LocalAws.start()) {
 *     SesV2Client ses = aws.client(SesV2Client.builder());
 *     aws.faults().addMatching("ses", "MessageRejected", "rejected*");
 *     ...
 *     assertThat(aws.outbox().emails()).hasSize(1);
 * }
 * }</pre>
 * {@link #close} closes every client it built and stops the server. Thread-safe.
 */
public final class LocalAws implements AutoCloseable {

    private final LocalCredentials credentials;
    private final Outbox outbox = new Outbox();
    private final Faults faults = new Faults();
    private final InMemoryPlatformEndpoints platformEndpoints = new InMemoryPlatformEndpoints();
    private final RecordingConnections connections;
    private final Map<String, List<Exchange>> calls = new ConcurrentHashMap<>();
    private final List<SdkAutoCloseable> clients = new CopyOnWriteArrayList<>();
    private final LocalQueues queues = new LocalQueues();
    private final LocalSchedules schedules;
    private final HttpServer server;

    private LocalAws(Clock clock, ScheduleStore scheduleStore) {
        this.schedules = new LocalSchedules(queues, scheduleStore);
        String[] keys = LocalCredentials.newAppKeys();
        this.credentials = new LocalCredentials(keys[0], keys[1], clock);
        this.connections = new RecordingConnections(clock);
        SigV4 signatures = new SigV4(credentials, clock);
        List<HttpEndpoint> endpoints = List.of(
                recorded(SqsApi.SERVICE, new SqsApi(queues, faults, signatures)),
                recorded(SchedulerApi.SERVICE, new SchedulerApi(schedules, faults, clock, signatures)),
                recorded(SesApi.SERVICE, new SesApi(outbox, faults, clock, signatures)),
                recorded(SnsApi.SERVICE, new SnsApi(platformEndpoints, outbox, faults, clock, signatures)),
                recorded(ManagementApi.SERVICE, new ManagementApi(connections, faults, signatures)));
        this.server = HttpServer.start("127.0.0.1", 0, endpoints, websockets -> { });
        try {
            queues.start(uri().toString());
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Starts the stand-ins on a free port of 127.0.0.1, on the system clock. */
    public static LocalAws start() {
        return new LocalAws(Clock.systemUTC(), ScheduleStore.inMemory());
    }

    /** {@link #start()} with EventBridge Scheduler's schedules kept in {@code schedules}, e.g. a {@link DynamoScheduleStore}. */
    public static LocalAws start(ScheduleStore schedules) {
        return new LocalAws(Clock.systemUTC(), schedules);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /**
     * A client of {@code builder}'s service against these stand-ins, signing with the function credentials issued
     * here (as a Lambda function's role gets them), on the URLConnection HTTP client the Lambda jars use. Closed with
     * this.
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkAutoCloseable> C client(B builder) {
        return client(builder, uri());
    }

    /** {@link #client(AwsClientBuilder)} against another endpoint, e.g. a stage's callback URL or one where nothing listens. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C extends SdkAutoCloseable> C client(B builder, URI endpoint) {
        C client = builder.endpointOverride(endpoint).region(Region.US_EAST_1).credentialsProvider(credentials.functionProvider())
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(10))
                        .apiCallAttemptTimeout(Duration.ofSeconds(5)).build())
                .build();
        clients.add(client);
        return client;
    }

    /** SQS (ElasticMQ behind the signature check), to create queues in and inspect. */
    public LocalQueues queues() {
        return queues;
    }

    /**
     * EventBridge Scheduler's schedules (in memory unless started with a store), delivering to {@link #queues}. Nothing
     * fires them until a test calls {@link LocalSchedules#runDue} (or starts the runner with {@link LocalSchedules#start}).
     */
    public LocalSchedules schedules() {
        return schedules;
    }

    /**
     * A channel's queue as a channel function takes its work, created with a DLQ after {@code maxReceiveCount}
     * receives, and reached through a signed client; retries back off by {@code retryBase}.
     */
    public ChannelQueue channelQueue(String name, TokenBucket pace, Duration retryBase, FanOutProgress progress) {
        LocalQueues.Queue queue = queues.create(name, new LocalQueues.Settings(Duration.ofSeconds(30), 3));
        return new ChannelQueue(new WorkQueue(client(SqsClient.builder()), queue.url()), new RetryBackoff(retryBase), pace, progress);
    }

    /** The credentials the stand-ins accept; any other key is refused as AWS refuses it. */
    public LocalCredentials credentials() {
        return credentials;
    }

    /** The emails SES was asked to send and the pushes SNS published. */
    public Outbox outbox() {
        return outbox;
    }

    /** Errors to inject: see {@link Faults#addMatching} for ones that hold for a recipient, endpoint or connection. */
    public Faults faults() {
        return faults;
    }

    /** SNS's platform endpoints, to seed or inspect. */
    public InMemoryPlatformEndpoints platformEndpoints() {
        return platformEndpoints;
    }

    /** The WebSocket connections the Management API posts to, with the frames each received. */
    public RecordingConnections connections() {
        return connections;
    }

    /** One call a stand-in answered, and its answer. */
    public record Exchange(HttpCall request, HttpReply reply) {
    }

    /**
     * Every call a stand-in answered, in order, the SDK's retries and refusals included.
     *
     * @param service the name requests are signed for: {@link SesApi#SERVICE}, {@link SnsApi#SERVICE}, {@link ManagementApi#SERVICE},
     *                {@link SqsApi#SERVICE} or {@link SchedulerApi#SERVICE}
     */
    public List<Exchange> calls(String service) {
        return List.copyOf(calls.getOrDefault(service, List.of()));
    }

    private HttpEndpoint recorded(String service, HttpEndpoint endpoint) {
        calls.put(service, new CopyOnWriteArrayList<>());
        return new HttpEndpoint() {
            @Override
            public Optional<HttpReply> handle(HttpCall call) {
                Optional<HttpReply> reply = endpoint.handle(call);
                reply.ifPresent(answer -> calls.get(service).add(new Exchange(call, answer)));
                return reply;
            }

            @Override
            public Optional<HttpReply> refuseBeforeBody(HttpCall head) {
                Optional<HttpReply> refused = endpoint.refuseBeforeBody(head);
                refused.ifPresent(answer -> calls.get(service).add(new Exchange(head, answer)));
                return refused;
            }
        };
    }

    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (SdkAutoCloseable client : clients) {
            try {
                client.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        schedules.close();
        server.close();
        queues.close();
        if (!failures.isEmpty()) {
            throw failures.getFirst();
        }
    }
}
