package dev.herald.lambda;

import dev.herald.aws.AwsClients;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import dev.herald.connection.ConnectionRepository;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.fanout.FanOutProgress;
import dev.herald.idempotency.IdempotencyKeys;
import dev.herald.inbox.InboxStore;
import dev.herald.json.Json;
import dev.herald.observability.EmfNotificationMetrics;
import dev.herald.observability.NotificationMetrics;
import dev.herald.queue.RetryBackoff;
import dev.herald.queue.TokenBucket;
import dev.herald.queue.WorkQueue;
import dev.herald.recipient.RecipientRepository;
import dev.herald.recipient.preferences.PreferenceCentre;
import dev.herald.recipient.preferences.PreferencesChangedMarks;
import dev.herald.schedule.Cancellations;
import dev.herald.schedule.DigestBuckets;
import dev.herald.schedule.Waits;
import dev.herald.schedule.WakeUp;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one place a handler's collaborators are built from: its configuration (the function's environment), the AWS
 * clients it signs with, the store, the catalog and templates, the clock and the metrics. A handler's Lambda entry
 * point wires itself {@link #fromEnvironment()}; herald local wires every handler through the same constructors with
 * its own values ({@link #builder}), so local mode cannot drift from the cloud: the same table names, retention,
 * endpoints and hand-off targets, read the same way.
 */
public final class Wiring {

    private final HeraldConfig config;
    private final AwsCredentialsProvider credentials;
    private final Supplier<DynamoDbClient> dynamo;
    private final Supplier<Catalog> catalog;
    private final Optional<Path> templatesDir;
    private final Clock clock;
    private final Function<String, NotificationMetrics> metrics;
    private final Supplier<SqsClient> sqs;

    private Wiring(Builder builder) {
        this.config = builder.config;
        this.credentials = builder.credentials;
        this.dynamo = memoize(builder.dynamo != null ? () -> builder.dynamo
                : () -> AwsClients.build(DynamoDbClient.builder(), config.awsEndpoint(), credentials));
        this.catalog = memoize(builder.catalog != null ? () -> builder.catalog : CatalogLoader::fromClasspath);
        this.templatesDir = Optional.ofNullable(builder.templatesDir);
        this.clock = builder.clock;
        this.metrics = builder.metrics;
        this.sqs = memoize(() -> client(SqsClient.builder()));
    }

    /** As Lambda runs a handler: the environment's variables, the default credentials chain, the jar's catalog. */
    public static Wiring fromEnvironment() {
        return builder(HeraldConfig.fromEnvironment()).build();
    }

    /** Wiring with {@code config}; everything not set is as in Lambda. */
    public static Builder builder(HeraldConfig config) {
        return new Builder(config);
    }

    public HeraldConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public DynamoDbClient dynamo() {
        return dynamo.get();
    }

    public Catalog catalog() {
        return catalog.get();
    }

    /** Where the templates are read from: a folder (herald local's {@code --templates}), or empty for the jar's own. */
    public Optional<Path> templatesDir() {
        return templatesDir;
    }

    /** The metrics a handler of {@code service} (e.g. {@code "email"}) counts notifications in. */
    public NotificationMetrics metrics(String service) {
        return metrics.apply(service);
    }

    /** A client of another AWS service, at {@code HERALD_AWS_ENDPOINT} when set, signed with this wiring's credentials. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return AwsClients.build(builder, config.awsEndpoint(), credentials);
    }

    /** A client at an endpoint named in the configuration, e.g. the WebSocket stage's callback URL. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, HeraldEnv endpoint) {
        return AwsClients.build(builder, Optional.of(URI.create(config.require(endpoint))), credentials);
    }

    /** The deliveries table, keeping records as long as {@code HERALD_DELIVERY_RETENTION_DAYS} says. */
    public DeliveryRepository deliveries() {
        return new DeliveryRepository(dynamo(), config.require(HeraldEnv.DELIVERIES_TABLE), clock,
                Duration.ofDays(config.deliveryRetentionDays()));
    }

    /** Users' in-app inboxes: item states and counts, in the deliveries table. */
    public InboxStore inbox() {
        return new InboxStore(dynamo(), config.require(HeraldEnv.DELIVERIES_TABLE), clock, deliveries());
    }

    /** Topic fan-outs' progress, kept beside their deliveries for as long. */
    public FanOutProgress fanOutProgress() {
        return new FanOutProgress(dynamo(), config.require(HeraldEnv.DELIVERIES_TABLE), clock, Duration.ofDays(config.deliveryRetentionDays()));
    }

    /** Deliveries waiting for their time, kept beside their deliveries. */
    public Waits waits() {
        return new Waits(dynamo(), config.require(HeraldEnv.DELIVERIES_TABLE), Duration.ofDays(config.deliveryRetentionDays()));
    }

    /** The index and tombstones of types' {@code cancelOn}. */
    public Cancellations cancellations() {
        return new Cancellations(dynamo(), config.require(HeraldEnv.DELIVERIES_TABLE), clock, Duration.ofDays(config.deliveryRetentionDays()));
    }

    /** Digests' buckets, entries and memberships, in the deliveries table. */
    public DigestBuckets digestBuckets() {
        return new DigestBuckets(dynamo(), config.require(HeraldEnv.DELIVERIES_TABLE), clock, Duration.ofDays(config.deliveryRetentionDays()));
    }

    /** Idempotency keys' claims, in the deliveries table. */
    public IdempotencyKeys idempotencyKeys() {
        return new IdempotencyKeys(dynamo(), config.require(HeraldEnv.DELIVERIES_TABLE), clock);
    }

    public RecipientRepository recipients() {
        return new RecipientRepository(dynamo(), config.require(HeraldEnv.RECIPIENTS_TABLE), clock);
    }

    /**
     * The preference centre: recipients' own choices, announced through marks in the deliveries table. With
     * {@code HERALD_DUE_QUEUE_URL} set, a change of quiet hours or time zone decides again at once what waits for the
     * end of the recipient's quiet hours, as an app's {@code Recipient Upserted} does.
     */
    public PreferenceCentre preferenceCentre() {
        Consumer<String> quietHoursChanged = recipientId -> {
        };
        if (config.find(HeraldEnv.DUE_QUEUE_URL).isPresent()) {
            Waits waits = waits();
            WorkQueue due = queue(HeraldEnv.DUE_QUEUE_URL);
            quietHoursChanged = recipientId -> {
                List<WakeUp> deferred = waits.deferredFor(recipientId);
                if (!deferred.isEmpty()) {
                    due.sendAll(deferred.stream().map(Json::write).toList());
                }
            };
        }
        return new PreferenceCentre(catalog(), recipients(), new PreferencesChangedMarks(config.require(HeraldEnv.DELIVERIES_TABLE)), clock,
                quietHoursChanged);
    }

    public ConnectionRepository connections() {
        return new ConnectionRepository(dynamo(), config.require(HeraldEnv.CONNECTIONS_TABLE), clock);
    }

    /** The SQS queue whose URL {@code url} names, e.g. {@code HERALD_EMAIL_QUEUE_URL}; all queues share one client. */
    public WorkQueue queue(HeraldEnv url) {
        return new WorkQueue(sqs.get(), config.require(url));
    }

    /** How a failed queue message backs off: {@code HERALD_RETRY_BASE_SECONDS}, or {@link RetryBackoff#DEFAULT}. */
    public RetryBackoff retryBackoff() {
        return config.find(HeraldEnv.RETRY_BASE_SECONDS).map(s -> new RetryBackoff(Duration.ofMillis((long) (parse(HeraldEnv.RETRY_BASE_SECONDS, s) * 1000))))
                .orElse(RetryBackoff.DEFAULT);
    }

    /** The pace of a channel's sends in this execution environment: {@code HERALD_SEND_RATE} per second, or unlimited. */
    public TokenBucket sendRate() {
        return config.find(HeraldEnv.SEND_RATE).map(s -> TokenBucket.perSecond(parse(HeraldEnv.SEND_RATE, s))).orElse(TokenBucket.unlimited());
    }

    private static double parse(HeraldEnv variable, String value) {
        try {
            double parsed = Double.parseDouble(value.strip());
            if (parsed < 0 || !Double.isFinite(parsed)) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(variable.variable() + " must be a number of 0 or more, not '" + value + "'");
        }
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }

    /** What a runtime other than Lambda sets: herald local's embedded store, its credentials, catalog and templates. */
    public static final class Builder {
        private final HeraldConfig config;
        private AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        private DynamoDbClient dynamo;
        private Catalog catalog;
        private Path templatesDir;
        private Clock clock = Clock.systemUTC();
        private Function<String, NotificationMetrics> metrics = EmfNotificationMetrics::new;

        private Builder(HeraldConfig config) {
            this.config = Objects.requireNonNull(config);
        }

        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials);
            return this;
        }

        /** The store, when it is not reached through an endpoint (herald local embeds DynamoDB Local). */
        public Builder dynamo(DynamoDbClient dynamo) {
            this.dynamo = Objects.requireNonNull(dynamo);
            return this;
        }

        public Builder catalog(Catalog catalog) {
            this.catalog = Objects.requireNonNull(catalog);
            return this;
        }

        public Builder templatesDir(Path templatesDir) {
            this.templatesDir = Objects.requireNonNull(templatesDir);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public Builder metrics(Function<String, NotificationMetrics> metrics) {
            this.metrics = Objects.requireNonNull(metrics);
            return this;
        }

        public Wiring build() {
            return new Wiring(this);
        }
    }
}
