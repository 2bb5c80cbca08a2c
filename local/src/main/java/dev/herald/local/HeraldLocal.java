package dev.herald.local;

import dev.herald.aws.AwsClients;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.channel.email.EmailChannelHandler;
import dev.herald.channel.email.UnsubscribeHandler;
import dev.herald.channel.push.DeviceEventsHandler;
import dev.herald.channel.push.PushChannelHandler;
import dev.herald.channel.websocket.ConnectHandler;
import dev.herald.channel.websocket.DefaultRouteHandler;
import dev.herald.channel.websocket.DisconnectHandler;
import dev.herald.channel.websocket.WebSocketChannelHandler;
import dev.herald.channel.websocket.auth.Tokens;
import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionRepository;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.lambda.Wiring;
import dev.herald.enrichment.EnrichmentHandler;
import dev.herald.enrichment.recipients.RecipientEventsHandler;
import dev.herald.local.aws.ContainerCredentialsApi;
import dev.herald.local.aws.EventBridgeApi;
import dev.herald.local.aws.LambdaApi;
import dev.herald.local.aws.LocalCredentials;
import dev.herald.local.aws.SigV4;
import dev.herald.local.aws.Faults;
import dev.herald.local.aws.ManagementApi;
import dev.herald.local.aws.Outbox;
import dev.herald.local.aws.SesApi;
import dev.herald.local.aws.SnsApi;
import dev.herald.local.bus.AsyncInvoker;
import dev.herald.local.bus.DeadLetter;
import dev.herald.local.bus.DeadLetterQueue;
import dev.herald.local.bus.EventIntake;
import dev.herald.local.bus.EventLog;
import dev.herald.local.bus.Invocation;
import dev.herald.local.bus.LocalBus;
import dev.herald.local.bus.LocalMetrics;
import dev.herald.local.bus.RejectedInvocationException;
import dev.herald.local.bus.StreamPoller;
import dev.herald.local.bus.Target;
import dev.herald.local.gateway.RestApiProxy;
import dev.herald.local.gateway.WebSocketGateway;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpServer;
import dev.herald.local.store.LocalSecrets;
import dev.herald.local.store.LocalStore;
import dev.herald.local.store.LocalTable;
import dev.herald.processor.ProcessorHandler;
import dev.herald.processor.status.StatusEventsHandler;
import dev.herald.recipient.ManagementEvents;
import dev.herald.recipient.RecipientRepository;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The whole of Herald in one process on one loopback port: DynamoDB Local, the bus {@code herald} with the
 * catalog's rules, the enrichment, processor and channel handlers invoked as Lambda invokes them, AWS-compatible
 * endpoints for them to call (EventBridge, the API Gateway Management API, SES v2, SNS), the WebSocket gateway,
 * {@code POST /events}, the one-click unsubscribe endpoint that local emails link to, and the dev UI.
 * {@link #close()} stops everything it started.
 */
public final class HeraldLocal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeraldLocal.class);

    /** Function names, as the DLQ and the events log show them. */
    public static final String ENRICHMENT = "herald-enrichment";
    public static final String PROCESSOR = "herald-processor";
    public static final String RECIPIENTS = "herald-recipients";
    public static final String DEVICES = "herald-devices";
    public static final String STATUS_EVENTS = "herald-status-events";
    public static final Map<Channel, String> CHANNEL_FUNCTIONS = Map.of(
            Channel.WEBSOCKET, "herald-websocket", Channel.PUSH, "herald-push", Channel.EMAIL, "herald-email");
    /** The configuration set the email channel names in every SendEmail, as in the cloud. */
    public static final String SES_CONFIGURATION_SET = "herald-local";
    /** Where the one-click unsubscribe endpoint is served, as the cloud stack's ingest API serves it. */
    public static final String UNSUBSCRIBE_PATH = "/unsubscribe";
    /** The SNS platform applications herald local pretends to have. */
    public static final String SNS_APPLICATION_PREFIX = "arn:aws:sns:us-east-1:000000000000:app/";

    private final LocalOptions options;
    private final LocalStore store;
    private final LocalSecrets secrets;
    private final Catalog catalog;
    private final EventLog events;
    private final Outbox outbox = new Outbox();
    private final Faults faults = new Faults();
    private final LocalMetrics metrics = new LocalMetrics();
    private final DeadLetterQueue deadLetters;
    private final AsyncInvoker invoker;
    private final LocalBus bus;
    private final WebSocketGateway gateway;
    private final DeliveryRepository deliveries;
    private final RecipientRepository recipients;
    private final HttpServer server;
    private StreamPoller statusStream;
    private HeraldConfig config;
    private final UnsubscribeHandler unsubscribe;
    private final LocalCredentials credentials;
    private final ContainerCredentialsApi containerCredentials;
    private final long startMillis;
    private int resumed;
    private final Clock clock = Clock.systemUTC();

    private HeraldLocal(LocalOptions options, long startedAt) {
        this.options = options;
        this.startMillis = startedAt;
        Path catalogFile = options.templatesDir().resolve(CatalogLoader.FILE_NAME);
        this.catalog = CatalogLoader.load(catalogFile);
        this.store = LocalStore.open(options.dataDir());
        try {
            this.secrets = LocalSecrets.resolve(options.dataDir(), options.jwtSecret(), options.apiKey());
            var dynamo = store.dynamo();
            var tables = LocalStore.TABLES;
            this.credentials = new LocalCredentials(secrets.accessKeyId(), secrets.secretAccessKey(), clock);
            // the route and unsubscribe handlers call no AWS endpoint, so they are wired before the port is known
            Wiring storeWiring = wiring(baseConfig(secrets));
            this.deliveries = storeWiring.deliveries();
            this.recipients = storeWiring.recipients();
            ConnectionRepository connections = storeWiring.connections();
            LocalTable localTable = new LocalTable(dynamo);
            this.events = new EventLog(1000, clock);
            this.deadLetters = new DeadLetterQueue(localTable);
            this.invoker = new AsyncInvoker(options.retries(), deadLetters, events, clock, options.workers(), 10_000);
            invoker.duplicateWhen(() -> faults.next(Faults.Service.INVOCATIONS).isPresent());
            this.bus = new LocalBus(rules(catalog), invoker, events);
            this.gateway = new WebSocketGateway(new ConnectHandler(storeWiring), new DefaultRouteHandler(storeWiring),
                    new DisconnectHandler(storeWiring), id -> connections.find(id).map(Connection::userId), clock);

            List<HttpEndpoint> endpoints = new CopyOnWriteArrayList<>();
            EventIntake intake = new EventIntake(bus, clock);
            SigV4 signatures = new SigV4(credentials, clock);
            this.containerCredentials = new ContainerCredentialsApi(credentials, UUID.randomUUID().toString());
            endpoints.add(containerCredentials);
            endpoints.add(new EventBridgeApi(intake, signatures));
            endpoints.add(new LambdaApi(invoker, signatures));
            endpoints.add(new ManagementApi(gateway, faults, signatures));
            endpoints.add(new SesApi(outbox, faults, clock, signatures));
            endpoints.add(new SnsApi(localTable.platformEndpoints(SnsApi.PARTITION), outbox, faults, clock, signatures));
            this.unsubscribe = new UnsubscribeHandler(storeWiring);
            endpoints.add(new RestApiProxy(UNSUBSCRIBE_PATH, unsubscribe::handle));
            endpoints.add(new DevApi(this, intake));
            this.server = HttpServer.start(LocalOptions.HOST, options.port(), endpoints, gateway::install);
            gateway.domainName(LocalOptions.HOST + ":" + server.port());

            // the handlers' AWS clients talk to this very server, so they are wired once its port is known
            this.config = configFor(baseUrl(), secrets);
            Wiring wiring = wiring(config);
            invoker.register(new Target(ENRICHMENT, new EnrichmentHandler(wiring), PROCESSOR));
            invoker.register(Target.of(PROCESSOR, new ProcessorHandler(wiring)));
            invoker.register(Target.of(RECIPIENTS, new RecipientEventsHandler(wiring)));
            invoker.register(Target.of(DEVICES, new DeviceEventsHandler(wiring)));
            invoker.register(Target.of(CHANNEL_FUNCTIONS.get(Channel.WEBSOCKET), new WebSocketChannelHandler(wiring)));
            invoker.register(Target.of(CHANNEL_FUNCTIONS.get(Channel.PUSH), new PushChannelHandler(wiring)));
            invoker.register(Target.of(CHANNEL_FUNCTIONS.get(Channel.EMAIL), new EmailChannelHandler(wiring)));
            invoker.register(Target.of(STATUS_EVENTS, new StatusEventsHandler(wiring)));
            this.statusStream = new StreamPoller(dynamo, store.streams(), tables.deliveries(), invoker, STATUS_EVENTS, Duration.ofMillis(500));
            resumeInterrupted();
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** Runs again what the last stop interrupted (see {@link AsyncInvoker#stop}), as a redrive of its dead letter. */
    private void resumeInterrupted() {
        List<DeadLetter> interrupted = deadLetters.list().stream().filter(l -> AsyncInvoker.INTERRUPTED.equals(l.error())).toList();
        resumed = (int) interrupted.stream().filter(l -> redrive(l).isPresent()).count();
        if (!interrupted.isEmpty()) {
            LOG.info("resumed {} of {} invocation(s) that the last stop interrupted", resumed, interrupted.size());
        }
    }

    /**
     * Takes a dead letter out of the DLQ and invokes its target again; empty when another redrive took it first, or
     * when the invocation queue is full, in which case the letter stays in the DLQ.
     */
    Optional<Invocation> redrive(DeadLetter letter) {
        if (!deadLetters.remove(letter.id())) {
            return Optional.empty();
        }
        try {
            Invocation invocation = invoker.redrive(letter);
            events.redriven(letter.id());
            return Optional.of(invocation);
        } catch (RejectedInvocationException busy) {
            deadLetters.add(letter);
            return Optional.empty();
        }
    }

    /**
     * The handlers' wiring here: herald local's embedded store, catalog, templates and metrics, and the credentials a
     * SnapStart function signs with: its role's temporary ones (a session token, an expiration), the same that the
     * container-credentials endpoint hands to handlers running from their jars (see {@link ContainerCredentialsApi}).
     * Static or made-up keys are refused by every endpoint here.
     */
    private Wiring wiring(HeraldConfig config) {
        return Wiring.builder(config).dynamo(store.dynamo()).credentials(credentials.functionProvider()).catalog(catalog)
                .templatesDir(options.templatesDir()).clock(clock).metrics(service -> metrics).build();
    }

    /** A client for an app or a test, signed with the app credentials herald local issued, e.g. {@code client(SnsClient.builder())}. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return AwsClients.build(builder, Optional.of(URI.create(baseUrl())), credentials.app().provider());
    }

    /** The long-term keys apps, the AWS CLI and {@code herald publish} sign with. */
    public LocalCredentials.Issued appCredentials() {
        return credentials.app();
    }

    /** The variables a SnapStart Lambda function gets for its credentials, pointing at this runtime. */
    public Map<String, String> functionCredentialsEnvironment() {
        return containerCredentials.environment(baseUrl());
    }

    /** Starts herald local; throws with a message saying what to fix when it cannot. */
    public static HeraldLocal start(LocalOptions options) {
        return new HeraldLocal(options, System.currentTimeMillis());
    }

    /**
     * The configuration the handlers run with here, as environment variables would give it to them in Lambda:
     * table names, {@code HERALD_AWS_ENDPOINT} and the WebSocket callback URL pointing at this runtime, the JWT
     * secret, the bus, the SES configuration set, the unsubscribe endpoint, the SNS platform applications, the channel
     * functions the processor hands over to, and the delivery retention set in herald local's own environment.
     */
    static HeraldConfig configFor(String baseUrl, LocalSecrets secrets) {
        return baseConfig(secrets)
                .with(HeraldEnv.AWS_ENDPOINT, baseUrl)
                .with(HeraldEnv.WEBSOCKET_CALLBACK_URL, baseUrl)
                .with(HeraldEnv.UNSUBSCRIBE_URL, baseUrl + UNSUBSCRIBE_PATH);
    }

    /** What does not depend on the port: tables, secret, bus, configuration set, platform applications, functions. */
    private static HeraldConfig baseConfig(LocalSecrets secrets) {
        HeraldConfig config = LocalStore.TABLES.applyTo(HeraldConfig.of(Map.of()))
                .with(HeraldEnv.EVENT_BUS, EventBridgeApi.BUS)
                .with(HeraldEnv.JWT_SECRET, secrets.jwtSecret())
                .with(HeraldEnv.SES_CONFIGURATION_SET, SES_CONFIGURATION_SET)
                .with(HeraldEnv.SNS_APNS_APPLICATION_ARN, SNS_APPLICATION_PREFIX + "APNS/herald-local")
                .with(HeraldEnv.SNS_APNS_SANDBOX_APPLICATION_ARN, SNS_APPLICATION_PREFIX + "APNS_SANDBOX/herald-local")
                .with(HeraldEnv.SNS_GCM_APPLICATION_ARN, SNS_APPLICATION_PREFIX + "GCM/herald-local")
                .with(HeraldEnv.WEBSOCKET_FUNCTION, CHANNEL_FUNCTIONS.get(Channel.WEBSOCKET))
                .with(HeraldEnv.PUSH_FUNCTION, CHANNEL_FUNCTIONS.get(Channel.PUSH))
                .with(HeraldEnv.EMAIL_FUNCTION, CHANNEL_FUNCTIONS.get(Channel.EMAIL));
        Optional<String> retention = HeraldConfig.fromEnvironment().find(HeraldEnv.DELIVERY_RETENTION_DAYS);
        return retention.isPresent() ? config.with(HeraldEnv.DELIVERY_RETENTION_DAYS, retention.get()) : config;
    }

    /**
     * What a handler's environment holds to run against this runtime. DynamoDB is embedded, not served on the
     * port, so a handler that builds its own DynamoDB client from this configuration cannot reach the store.
     */
    public HeraldConfig config() {
        return config;
    }

    /**
     * The catalog's rules (one per type, matching what the CDK stack deploys) and the management events' rules:
     * recipients, unsubscribes and topics to the recipients function, devices to the devices function, and
     * {@code Recipient Deleted} to both (the devices function deletes the devices' SNS endpoints).
     */
    static List<LocalBus.Rule> rules(Catalog catalog) {
        List<LocalBus.Rule> rules = new ArrayList<>();
        catalog.rulePatterns().forEach((type, pattern) -> rules.add(new LocalBus.Rule(type, pattern, ENRICHMENT, LocalBus.Input.MATCHED_EVENT)));
        rules.add(new LocalBus.Rule(RECIPIENTS, ManagementEvents.rulePattern(ManagementEvents.RECIPIENT_EVENTS), RECIPIENTS, LocalBus.Input.EVENT));
        rules.add(new LocalBus.Rule(DEVICES, ManagementEvents.rulePattern(ManagementEvents.DEVICE_EVENTS), DEVICES, LocalBus.Input.EVENT));
        return rules;
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return "http://" + LocalOptions.HOST + ":" + server.port();
    }

    public String webSocketUrl() {
        return "ws://" + LocalOptions.HOST + ":" + server.port() + WebSocketGateway.PATH;
    }

    public String apiKey() {
        return secrets.apiKey();
    }

    /** A token the gateway accepts, valid for {@code ttl}. */
    public String token(String userId, Duration ttl) {
        return Tokens.issueDev(secrets.jwtSecret(), userId, ttl);
    }

    /** The one line printed when the runtime is ready, with every URL. */
    public String readyLine() {
        return "herald local ready in " + (System.currentTimeMillis() - startMillis) + " ms: ui " + baseUrl() + "/"
                + " · aws endpoint (EventBridge, SES v2, SNS, @connections) " + baseUrl()
                + " · websocket " + webSocketUrl() + "?token=JWT"
                + " · ingest POST " + baseUrl() + "/events (x-api-key: " + apiKey() + ")"
                + " · AWS credentials: AWS_ACCESS_KEY_ID=" + credentials.app().accessKeyId() + " (`./herald credentials` prints both)"
                + " · store " + options.dataDir().map(d -> d.toAbsolutePath().toString()).orElse("in memory")
                + " · templates " + options.templatesDir().toAbsolutePath().normalize();
    }

    LocalSecrets secrets() {
        return secrets;
    }

    LocalOptions options() {
        return options;
    }

    Catalog catalog() {
        return catalog;
    }

    EventLog events() {
        return events;
    }

    /** What this run has done so far, counted as AWS bills it. */
    public AwsUsage usage() {
        return new AwsUsage(events.received(), events.receivedFromHerald(), invoker.usage(), store.calls(), store.capacity(),
                gateway.framesPosted(), outbox.emailsSent(), outbox.pushesSent());
    }

    /** Invocations the last stop interrupted that this start ran again. */
    public int resumedAtStart() {
        return resumed;
    }

    public Outbox outbox() {
        return outbox;
    }

    Faults faults() {
        return faults;
    }

    LocalMetrics metrics() {
        return metrics;
    }

    DeadLetterQueue deadLetters() {
        return deadLetters;
    }

    LocalBus bus() {
        return bus;
    }

    WebSocketGateway gateway() {
        return gateway;
    }

    DeliveryRepository deliveries() {
        return deliveries;
    }

    RecipientRepository recipients() {
        return recipients;
    }

    public LocalStore store() {
        return store;
    }

    /**
     * Deliveries-table stream records handed to the status-events function so far: how far {@code Delivery Status}
     * events have got behind the writes.
     */
    public long statusRecordsRead() {
        return statusStream.recordsRead();
    }

    /** Invocations queued, running or waiting for a retry. */
    public int inFlight() {
        return invoker.inFlight();
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        // the workers first, while the AWS endpoints they call are still served; then the server (its sockets'
        // $disconnect still need the store); then the store
        if (statusStream != null) {
            statusStream.close();
        }
        if (invoker != null) {
            int interrupted = invoker.stop(AsyncInvoker.STOP_GRACE);
            if (interrupted > 0) {
                LOG.info(options.dataDir().isPresent()
                        ? "{} invocation(s) interrupted: kept in the DLQ of --data, and run again at the next start"
                        : "{} invocation(s) interrupted and lost with the in-memory store; use --data to keep them", interrupted);
            }
        }
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
        LOG.info("herald local stopped");
    }
}
