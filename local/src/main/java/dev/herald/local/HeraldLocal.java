package dev.herald.local;

import dev.herald.aws.AwsClients;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.catalog.RecipientSpec;
import dev.herald.channel.email.EmailChannelHandler;
import dev.herald.channel.email.SesEventHandler;
import dev.herald.channel.email.SesEngagement;
import dev.herald.channel.email.UnsubscribeHandler;
import dev.herald.channel.push.DeviceEventsHandler;
import dev.herald.channel.push.PushChannelHandler;
import dev.herald.channel.websocket.ConnectHandler;
import dev.herald.channel.websocket.DefaultRouteHandler;
import dev.herald.channel.websocket.DisconnectHandler;
import dev.herald.channel.websocket.WebSocketChannelHandler;
import dev.herald.channel.websocket.auth.TokenVerifier;
import dev.herald.channel.websocket.preferences.PreferencesApiHandler;
import dev.herald.channel.websocket.auth.Tokens;
import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionRepository;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.enrichment.EnrichmentHandler;
import dev.herald.enrichment.FanOutHandler;
import dev.herald.enrichment.recipients.RecipientEventsHandler;
import dev.herald.fanout.FanOutProgress;
import dev.herald.json.Json;
import dev.herald.lambda.Wiring;
import dev.herald.local.aws.ContainerCredentialsApi;
import dev.herald.local.aws.DynamoScheduleStore;
import dev.herald.local.aws.EventBridgeApi;
import dev.herald.local.aws.Faults;
import dev.herald.local.aws.LambdaApi;
import dev.herald.local.aws.LocalCredentials;
import dev.herald.local.aws.LocalQueues;
import dev.herald.local.aws.LocalSchedules;
import dev.herald.local.aws.ManagementApi;
import dev.herald.local.aws.Outbox;
import dev.herald.local.aws.SchedulerApi;
import dev.herald.local.aws.SesApi;
import dev.herald.local.aws.SesEventDestination;
import dev.herald.local.aws.SigV4;
import dev.herald.local.aws.SnsApi;
import dev.herald.local.aws.SqsApi;
import dev.herald.local.bus.AsyncInvoker;
import dev.herald.local.bus.DeadLetter;
import dev.herald.local.bus.DeadLetterQueue;
import dev.herald.local.bus.EventIntake;
import dev.herald.local.bus.EventLog;
import dev.herald.local.bus.EventSourceMapping;
import dev.herald.local.bus.Invocation;
import dev.herald.local.bus.LocalBus;
import dev.herald.local.bus.LocalMappings;
import dev.herald.local.bus.LocalMetrics;
import dev.herald.local.bus.RejectedInvocationException;
import dev.herald.local.bus.RetryPolicy;
import dev.herald.local.bus.StreamPoller;
import dev.herald.local.bus.Target;
import dev.herald.local.gateway.HttpApiProxy;
import dev.herald.local.gateway.RestApiProxy;
import dev.herald.local.gateway.WebSocketGateway;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpServer;
import dev.herald.local.store.LocalSecrets;
import dev.herald.local.store.LocalStore;
import dev.herald.local.store.LocalTable;
import dev.herald.processor.DueHandler;
import dev.herald.processor.ProcessorHandler;
import dev.herald.processor.status.StatusEventsHandler;
import dev.herald.recipient.ManagementEvents;
import dev.herald.recipient.RecipientRepository;
import dev.herald.schedule.DigestBuckets;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    public static final String FANOUT = "herald-fanout";
    /** The due function: wake-ups of what waits (delays, digests, quiet hours, escalations). */
    public static final String DUE = "herald-due";
    public static final String RECIPIENTS = "herald-recipients";
    public static final String DEVICES = "herald-devices";
    public static final String STATUS_EVENTS = "herald-status-events";
    /** SES's events of the configuration set: bounces and complaints, deliveries, opens and clicks. */
    public static final String SES_EVENTS = "herald-ses-events";
    public static final Map<Channel, String> CHANNEL_FUNCTIONS = Map.of(
            Channel.WEBSOCKET, "herald-websocket", Channel.PUSH, "herald-push", Channel.EMAIL, "herald-email");
    /** The configuration set the email channel names in every SendEmail, as in the cloud. */
    public static final String SES_CONFIGURATION_SET = "herald-local";
    /** Where the one-click unsubscribe endpoint is served, as the cloud stack's ingest API serves it. */
    public static final String UNSUBSCRIBE_PATH = "/unsubscribe";
    /** The functions fed from an SQS queue of their own, each named after its function. */
    public static final List<String> QUEUED_FUNCTIONS = List.of(FANOUT, PROCESSOR, CHANNEL_FUNCTIONS.get(Channel.WEBSOCKET),
            CHANNEL_FUNCTIONS.get(Channel.PUSH), CHANNEL_FUNCTIONS.get(Channel.EMAIL), DUE);
    /** The role EventBridge Scheduler assumes to send wake-ups, as the stack names it. */
    static final String SCHEDULER_ROLE = "arn:aws:iam::" + LocalQueues.ACCOUNT + ":role/herald-scheduler";
    /** Where herald local keeps its one-time schedules, in its store (so across restarts with --data). */
    static final String SCHEDULES_TABLE = "herald-local-schedules";
    /** How often the scheduler looks for schedules that are due. */
    static final Duration SCHEDULER_TICK = Duration.ofMillis(500);
    /** The queues' visibility timeout: how long a batch may take before its messages are handed out again. */
    static final Duration QUEUE_VISIBILITY = Duration.ofSeconds(30);
    /** The event source mappings, as the stack sets them (see HeraldQueues in the CDK app). */
    static final EventSourceMapping.Settings PROCESSOR_MAPPING = new EventSourceMapping.Settings(10, Duration.ZERO, 4);
    /** One topic page per invocation: the unit of a fan-out's work. */
    static final EventSourceMapping.Settings FANOUT_MAPPING = new EventSourceMapping.Settings(1, Duration.ZERO, 4);
    static final EventSourceMapping.Settings CHANNEL_MAPPING = new EventSourceMapping.Settings(10, Duration.ZERO, 4);
    /** The stand-in of each channel's provider. */
    private static final Map<Channel, Faults.Service> PROVIDERS = Map.of(
            Channel.WEBSOCKET, Faults.Service.CONNECTIONS, Channel.PUSH, Faults.Service.SNS, Channel.EMAIL, Faults.Service.SES);
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
    private final LocalQueues queues = new LocalQueues();
    private final LocalMappings mappings;
    private final SqsApi sqs;
    private final LocalBus bus;
    private final WebSocketGateway gateway;
    private final DeliveryRepository deliveries;
    private final RecipientRepository recipients;
    private final FanOutProgress fanOuts;
    private final DigestBuckets digests;
    private final HttpServer server;
    private StreamPoller statusStream;
    private HeraldConfig config;
    private final UnsubscribeHandler unsubscribe;
    private final LocalCredentials credentials;
    private final ContainerCredentialsApi containerCredentials;
    private final long startMillis;
    private int resumed;
    /** Signatures, credentials and logs run on the system clock, as AWS's do, whatever {@link #businessClock} says. */
    private final Clock clock = Clock.systemUTC();
    /** The time the handlers and the scheduler see: {@link LocalOptions#clock()}, driven in tests. */
    private final Clock businessClock;
    private final LocalSchedules schedules;
    /** Served behind the HTTP API's JWT authorizer; wired once the port is known (it pushes to sockets through it). */
    private volatile PreferencesApiHandler preferences;
    private final SesEventDestination sesEvents;

    private HeraldLocal(LocalOptions options, long startedAt) {
        this.options = options;
        this.startMillis = startedAt;
        this.businessClock = options.clock();
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
            this.fanOuts = storeWiring.fanOutProgress();
            this.digests = storeWiring.digestBuckets();
            ConnectionRepository connections = storeWiring.connections();
            // the stand-ins keep their own state uncounted: AWS never bills it as the account's DynamoDB
            LocalTable localTable = new LocalTable(store.uncounted());
            this.events = new EventLog(1000, clock);
            this.deadLetters = new DeadLetterQueue(localTable);
            this.invoker = new AsyncInvoker(options.retries(), deadLetters, events, clock, options.workers(), 10_000);
            invoker.duplicateWhen(() -> faults.next(Faults.Service.INVOCATIONS).isPresent());
            this.mappings = new LocalMappings(queues, deadLetters, () -> faults.next(Faults.Service.INVOCATIONS).isPresent(), events, clock);
            this.bus = new LocalBus(rules(catalog, options.trackEngagement()), invoker, events);
            // $default pushes to the user's other connections, through this server: it is routed once the port is known
            this.gateway = new WebSocketGateway(new ConnectHandler(storeWiring), WebSocketGateway.STARTING,
                    new DisconnectHandler(storeWiring), id -> connections.find(id).map(Connection::userId), clock);

            List<HttpEndpoint> endpoints = new CopyOnWriteArrayList<>();
            EventIntake intake = new EventIntake(bus, clock);
            SigV4 signatures = new SigV4(credentials, clock);
            this.containerCredentials = new ContainerCredentialsApi(credentials, UUID.randomUUID().toString());
            endpoints.add(containerCredentials);
            // first: EventBridge answers every other X-Amz-Target, and SNS every form post to /, as not its own
            this.sqs = new SqsApi(queues, faults, signatures);
            endpoints.add(sqs);
            endpoints.add(new EventBridgeApi(intake, signatures));
            endpoints.add(new LambdaApi(invoker, signatures));
            endpoints.add(new ManagementApi(gateway, faults, signatures));
            // as the stack's configuration set: deliveries always reported to EventBridge, opens and clicks when tracked
            this.sesEvents = new SesEventDestination(SES_CONFIGURATION_SET, options.trackEngagement(), intake, clock,
                    SesEventDestination.DEFAULT_DELIVERY_DELAY);
            endpoints.add(new SesApi(outbox, faults, clock, signatures, Optional.of(sesEvents)));
            endpoints.add(new SnsApi(localTable.platformEndpoints(SnsApi.PARTITION), outbox, faults, clock, signatures));
            this.schedules = new LocalSchedules(queues, new DynamoScheduleStore(store.uncounted(), SCHEDULES_TABLE));
            endpoints.add(new SchedulerApi(schedules, faults, businessClock, signatures));
            this.unsubscribe = new UnsubscribeHandler(storeWiring);
            endpoints.add(new RestApiProxy(UNSUBSCRIBE_PATH, unsubscribe::handle));
            endpoints.add(new HttpApiProxy(PreferencesApiHandler.PATH, Set.of("GET", "PUT"), TokenVerifier.fromConfig(storeWiring.config(),
                    businessClock), event -> preferences.handle(event), clock));
            endpoints.add(new DevApi(this, intake));
            this.server = HttpServer.start(LocalOptions.HOST, options.port(), endpoints, gateway::install);
            gateway.domainName(LocalOptions.HOST + ":" + server.port());

            // the queues' URLs and the handlers' AWS clients name this very server, so they are made once its port is known
            queues.start(baseUrl());
            LocalQueues.Settings queueSettings = new LocalQueues.Settings(QUEUE_VISIBILITY, options.retries().maxAttempts());
            Map<String, LocalQueues.Queue> queued = new LinkedHashMap<>();
            for (String function : QUEUED_FUNCTIONS) {
                queued.put(function, queues.create(function, queueSettings));
            }
            this.config = configFor(baseUrl(), secrets, queued, options.retries());
            Wiring wiring = wiring(config);
            this.preferences = new PreferencesApiHandler(wiring);
            gateway.routeDefault(new DefaultRouteHandler(wiring));
            invoker.register(Target.of(ENRICHMENT, new EnrichmentHandler(wiring)));
            invoker.register(Target.of(RECIPIENTS, new RecipientEventsHandler(wiring)));
            invoker.register(Target.of(DEVICES, new DeviceEventsHandler(wiring)));
            invoker.register(Target.of(STATUS_EVENTS, new StatusEventsHandler(wiring)));
            invoker.register(Target.of(SES_EVENTS, new SesEventHandler(wiring)));
            mappings.map(FANOUT, new FanOutHandler(wiring), queued.get(FANOUT), FANOUT_MAPPING, queueSettings.maxReceiveCount());
            mappings.map(PROCESSOR, new ProcessorHandler(wiring), queued.get(PROCESSOR), PROCESSOR_MAPPING, queueSettings.maxReceiveCount());
            mappings.map(CHANNEL_FUNCTIONS.get(Channel.WEBSOCKET), new WebSocketChannelHandler(channelWiring(Channel.WEBSOCKET)),
                    queued.get(CHANNEL_FUNCTIONS.get(Channel.WEBSOCKET)), CHANNEL_MAPPING, queueSettings.maxReceiveCount());
            mappings.map(CHANNEL_FUNCTIONS.get(Channel.PUSH), new PushChannelHandler(channelWiring(Channel.PUSH)),
                    queued.get(CHANNEL_FUNCTIONS.get(Channel.PUSH)), CHANNEL_MAPPING, queueSettings.maxReceiveCount());
            mappings.map(CHANNEL_FUNCTIONS.get(Channel.EMAIL), new EmailChannelHandler(channelWiring(Channel.EMAIL)),
                    queued.get(CHANNEL_FUNCTIONS.get(Channel.EMAIL)), CHANNEL_MAPPING, queueSettings.maxReceiveCount());
            mappings.map(DUE, new DueHandler(wiring), queued.get(DUE), CHANNEL_MAPPING, queueSettings.maxReceiveCount());
            schedules.start(businessClock, SCHEDULER_TICK);
            this.statusStream = new StreamPoller(dynamo, store.streams(), tables.deliveries(), invoker, STATUS_EVENTS, Duration.ofMillis(500));
            resumeInterrupted();
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * Runs again what the last stop interrupted: invocations (see {@link AsyncInvoker#stop}), as a redrive of their
     * dead letters, and queued messages, sent to their queues again (see {@link LocalMappings#stop}).
     */
    private void resumeInterrupted() {
        int requeued = mappings.resume();
        List<DeadLetter> interrupted = deadLetters.list().stream().filter(l -> AsyncInvoker.INTERRUPTED.equals(l.error())).toList();
        resumed = requeued + (int) interrupted.stream().filter(l -> redrive(l).isPresent()).count();
        if (requeued > 0) {
            LOG.info("queued {} message(s) again that the last stop kept", requeued);
        }
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
                .templatesDir(options.templatesDir()).clock(businessClock).metrics(service -> metrics).build();
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
    static HeraldConfig configFor(String baseUrl, LocalSecrets secrets, Map<String, LocalQueues.Queue> queues, RetryPolicy retries) {
        Duration firstRetry = retries.delays().isEmpty() ? Duration.ZERO : retries.delayAfter(1);
        return baseConfig(secrets)
                .with(HeraldEnv.AWS_ENDPOINT, baseUrl)
                .with(HeraldEnv.WEBSOCKET_CALLBACK_URL, baseUrl)
                .with(HeraldEnv.UNSUBSCRIBE_URL, baseUrl + UNSUBSCRIBE_PATH)
                .with(HeraldEnv.PROCESSOR_QUEUE_URL, queues.get(PROCESSOR).url())
                .with(HeraldEnv.FANOUT_QUEUE_URL, queues.get(FANOUT).url())
                .with(HeraldEnv.WEBSOCKET_QUEUE_URL, queues.get(CHANNEL_FUNCTIONS.get(Channel.WEBSOCKET)).url())
                .with(HeraldEnv.PUSH_QUEUE_URL, queues.get(CHANNEL_FUNCTIONS.get(Channel.PUSH)).url())
                .with(HeraldEnv.EMAIL_QUEUE_URL, queues.get(CHANNEL_FUNCTIONS.get(Channel.EMAIL)).url())
                .with(HeraldEnv.DUE_QUEUE_URL, queues.get(DUE).url())
                .with(HeraldEnv.DUE_QUEUE_ARN, queues.get(DUE).arn())
                .with(HeraldEnv.SCHEDULER_ROLE_ARN, SCHEDULER_ROLE)
                .with(HeraldEnv.SCHEDULER_DLQ_ARN, queues.get(DUE).dlqArn())
                .with(HeraldEnv.RETRY_BASE_SECONDS, Double.toString(firstRetry.toMillis() / 1000.0));
    }

    /**
     * A channel's wiring: its send rate paces its one handler, which all of its mapping's pollers share, so the rate
     * is the channel's whole rate (the stack divides it by the mapping's maximum concurrency instead). The stand-in
     * of its provider is limited to the same rate, as the provider is.
     */
    private Wiring channelWiring(Channel channel) {
        double rate = options.sendRates().getOrDefault(channel, 0.0);
        faults.limit(PROVIDERS.get(channel), rate);
        return wiring(config.with(HeraldEnv.SEND_RATE, Double.toString(rate)));
    }

    /** What does not depend on the port: tables, secret, bus, configuration set, platform applications, functions. */
    private static HeraldConfig baseConfig(LocalSecrets secrets) {
        HeraldConfig config = LocalStore.TABLES.applyTo(HeraldConfig.of(Map.of()))
                .with(HeraldEnv.EVENT_BUS, EventBridgeApi.BUS)
                .with(HeraldEnv.JWT_SECRET, secrets.jwtSecret())
                .with(HeraldEnv.SES_CONFIGURATION_SET, SES_CONFIGURATION_SET)
                .with(HeraldEnv.SNS_APNS_APPLICATION_ARN, SNS_APPLICATION_PREFIX + "APNS/herald-local")
                .with(HeraldEnv.SNS_APNS_SANDBOX_APPLICATION_ARN, SNS_APPLICATION_PREFIX + "APNS_SANDBOX/herald-local")
                .with(HeraldEnv.SNS_GCM_APPLICATION_ARN, SNS_APPLICATION_PREFIX + "GCM/herald-local");
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

    /** {@link #rules(Catalog, boolean)} without engagement tracking. */
    static List<LocalBus.Rule> rules(Catalog catalog) {
        return rules(catalog, false);
    }

    /**
     * The catalog's rules (one per type, matching what the CDK stack deploys) and the management events' rules:
     * recipients, unsubscribes and topics to the recipients function, devices to the devices function, and
     * {@code Recipient Deleted} to both (the devices function deletes the devices' SNS endpoints); and, as the stack's
     * rule on the default bus, SES's events of the configuration set to the SES events function.
     */
    static List<LocalBus.Rule> rules(Catalog catalog, boolean trackEngagement) {
        List<LocalBus.Rule> rules = new ArrayList<>();
        catalog.rulePatterns().forEach((type, pattern) -> rules.add(new LocalBus.Rule(type, pattern, ENRICHMENT, LocalBus.Input.MATCHED_EVENT)));
        for (NotificationType type : catalog.types()) {
            type.cancelPattern().ifPresent(pattern -> rules.add(new LocalBus.Rule(LocalBus.CANCEL_PREFIX + type.id(), pattern, ENRICHMENT,
                    LocalBus.Input.CANCEL_EVENT)));
        }
        rules.add(new LocalBus.Rule(RECIPIENTS, ManagementEvents.rulePattern(ManagementEvents.RECIPIENT_EVENTS), RECIPIENTS, LocalBus.Input.EVENT));
        rules.add(new LocalBus.Rule(DEVICES, ManagementEvents.rulePattern(ManagementEvents.DEVICE_EVENTS), DEVICES, LocalBus.Input.EVENT));
        rules.add(new LocalBus.Rule(SES_EVENTS, sesRulePattern(trackEngagement), SES_EVENTS, LocalBus.Input.EVENT));
        return rules;
    }

    /** As the stack's SES rule: bounces, complaints and deliveries, opens and clicks when tracked, of Herald's configuration set. */
    static String sesRulePattern(boolean trackEngagement) {
        List<String> detailTypes = new ArrayList<>(SesEventHandler.DETAIL_TYPES);
        if (!trackEngagement) {
            detailTypes.removeAll(List.of(SesEngagement.Kind.OPEN.detailType(), SesEngagement.Kind.CLICK.detailType()));
        }
        return Json.write(Map.of("source", List.of(SesEventDestination.SOURCE), "detail-type", detailTypes,
                "detail", Map.of("mail", Map.of("tags", Map.of("ses:configuration-set", List.of(SES_CONFIGURATION_SET))))));
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
                + " · aws endpoint (EventBridge, SQS, Scheduler, SES v2, SNS, @connections) " + baseUrl()
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
        Map<String, AsyncInvoker.Usage> invocations = new LinkedHashMap<>(invoker.usage());
        mappings.usage().forEach((function, usage) -> invocations.put(function, new AsyncInvoker.Usage(usage.invocations(), usage.handlerNanos())));
        return new AwsUsage(events.received(), events.receivedFromHerald(), invocations, store.calls(), store.capacity(),
                gateway.framesPosted(), outbox.emailsSent(), outbox.pushesSent(), sqs.requests() + mappings.sqsRequests());
    }

    /** Invocations the last stop interrupted that this start ran again. */
    public int resumedAtStart() {
        return resumed;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** The SES stand-in's event destination: the dev API's opens and clicks. */
    SesEventDestination sesEvents() {
        return sesEvents;
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

    DigestBuckets digests() {
        return digests;
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

    /** Where a topic notification's fan-out stands: pages read, members resolved, deliveries created and sent. */
    public Optional<FanOutProgress.Progress> fanOutProgress(String eventId) {
        return fanOuts.find(eventId);
    }

    /**
     * The fan-outs of the most recent topic notifications, newest first: those among the events log's recent events
     * whose type reads its audience from a topic.
     */
    public List<FanOutProgress.Progress> recentFanOuts(int limit) {
        List<FanOutProgress.Progress> recent = new ArrayList<>();
        for (EventLog.Entry entry : events.recent(200)) {
            boolean topic = entry.matched().stream().map(catalog::find).flatMap(Optional::stream)
                    .anyMatch(type -> type.recipients().kind() == RecipientSpec.Kind.TOPIC);
            if (topic) {
                fanOuts.find(entry.eventId()).ifPresent(recent::add);
            }
            if (recent.size() == limit) {
                break;
            }
        }
        return recent;
    }

    /** Moves a queue's DLQ back into it with {@code StartMessageMoveTask}; returns how many messages it held. */
    public long redriveQueue(String queueName) {
        return queues.redrive(queueName);
    }

    /** The depth of each queue and of its DLQ. */
    public List<LocalQueues.Depth> queueDepths() {
        return queues.isStarted() ? queues.depths() : List.of();
    }

    /** The one-time schedules waiting to wake Herald, soonest first. */
    public List<LocalSchedules.Due> schedules() {
        return schedules.list();
    }

    /** Fires every schedule due by the clock now, without waiting for the scheduler's next tick; returns how many fired. */
    public int runDueSchedules() {
        return schedules.runDue(businessClock.instant());
    }

    /** Invocations queued, running or waiting for a retry, and queue messages not handled yet. */
    public long inFlight() {
        return invoker.inFlight() + mappings.inFlight();
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
        if (schedules != null) {
            schedules.close();
        }
        if (mappings != null) {
            int kept = mappings.stop(AsyncInvoker.STOP_GRACE, options.dataDir().isPresent());
            if (kept > 0) {
                LOG.info(options.dataDir().isPresent()
                        ? "{} queued message(s) kept in --data, and queued again at the next start"
                        : "{} queued message(s) lost with the in-memory store; use --data to keep them", kept);
            }
        }
        if (server != null) {
            server.close();
        }
        queues.close();
        if (store != null) {
            store.close();
        }
        LOG.info("herald local stopped");
    }
}
