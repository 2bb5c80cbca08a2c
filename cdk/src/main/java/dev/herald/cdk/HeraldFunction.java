package dev.herald.cdk;

import static dev.herald.config.HeraldEnv.CONNECTIONS_TABLE;
import static dev.herald.config.HeraldEnv.DELIVERIES_TABLE;
import static dev.herald.config.HeraldEnv.DELIVERY_RETENTION_DAYS;
import static dev.herald.config.HeraldEnv.DUE_QUEUE_ARN;
import static dev.herald.config.HeraldEnv.DUE_QUEUE_URL;
import static dev.herald.config.HeraldEnv.EMAIL_QUEUE_URL;
import static dev.herald.config.HeraldEnv.EVENT_BUS;
import static dev.herald.config.HeraldEnv.FANOUT_QUEUE_URL;
import static dev.herald.config.HeraldEnv.JWKS_URL;
import static dev.herald.config.HeraldEnv.JWT_AUDIENCE;
import static dev.herald.config.HeraldEnv.JWT_ISSUER;
import static dev.herald.config.HeraldEnv.JWT_SECRET;
import static dev.herald.config.HeraldEnv.PROCESSOR_QUEUE_URL;
import static dev.herald.config.HeraldEnv.PUSH_QUEUE_URL;
import static dev.herald.config.HeraldEnv.RECIPIENTS_TABLE;
import static dev.herald.config.HeraldEnv.RETRY_BASE_SECONDS;
import static dev.herald.config.HeraldEnv.SCHEDULER_DLQ_ARN;
import static dev.herald.config.HeraldEnv.SCHEDULER_ROLE_ARN;
import static dev.herald.config.HeraldEnv.SCHEDULE_GROUP;
import static dev.herald.config.HeraldEnv.SEND_RATE;
import static dev.herald.config.HeraldEnv.SES_CONFIGURATION_SET;
import static dev.herald.config.HeraldEnv.SNS_APNS_APPLICATION_ARN;
import static dev.herald.config.HeraldEnv.SNS_APNS_SANDBOX_APPLICATION_ARN;
import static dev.herald.config.HeraldEnv.SNS_GCM_APPLICATION_ARN;
import static dev.herald.config.HeraldEnv.UNSUBSCRIBE_URL;
import static dev.herald.config.HeraldEnv.WEBSOCKET_CALLBACK_URL;
import static dev.herald.config.HeraldEnv.WEBSOCKET_QUEUE_URL;

import dev.herald.config.HeraldEnv;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Every Lambda Herald deploys: its handler, its jar, its size, and the environment its handler reads. This is the
 * one place the stack learns what each handler needs; {@link FunctionEnvironment} sets exactly these variables.
 *
 * <p>Sizing: Lambda gives CPU in proportion to memory (1,769 MB = one vCPU), and a JVM spends its first
 * invocations compiling, so handlers on the notification path get 1,024 MB to keep p99 latency low; handlers that do
 * one small DynamoDB call get 512 MB. Timeouts cover the slowest legitimate call chain with margin, and stay under
 * API Gateway's 29 s integration limit for the WebSocket routes.
 */
public enum HeraldFunction {

    /** EventBridge rule target: resolves an event's own recipients (at most 1,000, read 100 at a time) and calls
     *  external enrichers (2 s timeout, 2 retries each), so 30 s leaves room for a slow enricher without holding events
     *  for long; hands units to the processor's queue, or a topic's first page to the fan-out's. */
    ENRICHMENT("Enrichment", LambdaModule.ENRICHMENT, "dev.herald.enrichment.EnrichmentHandler", 1024, Duration.ofSeconds(30),
            Invocation.ASYNC, EnumSet.of(RECIPIENTS_TABLE, DELIVERIES_TABLE, PROCESSOR_QUEUE_URL, FANOUT_QUEUE_URL),
            EnumSet.of(DELIVERY_RETENTION_DAYS)),
    /** Reads a topic's audience one page of 500 members per invocation (a query and ten batch reads), hands it to the
     *  processor's queue and queues the next page. */
    FANOUT("FanOut", LambdaModule.ENRICHMENT, "dev.herald.enrichment.FanOutHandler", 1024, Duration.ofSeconds(60),
            Invocation.QUEUE, EnumSet.of(RECIPIENTS_TABLE, DELIVERIES_TABLE, PROCESSOR_QUEUE_URL, FANOUT_QUEUE_URL),
            EnumSet.of(DELIVERY_RETENTION_DAYS, RETRY_BASE_SECONDS)),
    /** Recipient management events: one or two DynamoDB writes per event (a delete, one query and a batch per 25 items).
     *  The jar's catalog says which categories and channels a {@code Recipient Resubscribed} may name. */
    RECIPIENT_EVENTS("RecipientEvents", LambdaModule.ENRICHMENT, "dev.herald.enrichment.recipients.RecipientEventsHandler", 512,
            Duration.ofSeconds(10), Invocation.ASYNC, EnumSet.of(RECIPIENTS_TABLE, DELIVERIES_TABLE, DUE_QUEUE_URL),
            EnumSet.of(DELIVERY_RETENTION_DAYS)),
    /** Work units of at most 100 recipients, up to ten per invocation, each recipient's deliveries a conditional
     *  put (16 at once), handed on to the channels' queues in dispatches of 50; 60 s covers a full batch. */
    PROCESSOR("Processor", LambdaModule.PROCESSOR, "dev.herald.processor.ProcessorHandler", 1024, Duration.ofSeconds(60),
            Invocation.QUEUE, EnumSet.of(DELIVERIES_TABLE, RECIPIENTS_TABLE, PROCESSOR_QUEUE_URL, WEBSOCKET_QUEUE_URL, PUSH_QUEUE_URL,
                    EMAIL_QUEUE_URL, DUE_QUEUE_URL, DUE_QUEUE_ARN, SCHEDULER_ROLE_ARN, SCHEDULER_DLQ_ARN),
            EnumSet.of(DELIVERY_RETENTION_DAYS, RETRY_BASE_SECONDS, SCHEDULE_GROUP)),
    /** Wake-ups of what waits, up to ten per invocation: a wait's deliveries released (a conditional update each, and
     *  a read of the in-app item or the recipient's profile where it decides) and handed to their channel's queue, or
     *  a digest's bucket closed and read (a query) and its notification handed to the processor's queue. */
    DUE("Due", LambdaModule.PROCESSOR, "dev.herald.processor.DueHandler", 1024, Duration.ofSeconds(60),
            Invocation.QUEUE, EnumSet.of(DELIVERIES_TABLE, RECIPIENTS_TABLE, PROCESSOR_QUEUE_URL, WEBSOCKET_QUEUE_URL, PUSH_QUEUE_URL,
                    EMAIL_QUEUE_URL, DUE_QUEUE_URL, DUE_QUEUE_ARN, SCHEDULER_ROLE_ARN, SCHEDULER_DLQ_ARN),
            EnumSet.of(DELIVERY_RETENTION_DAYS, RETRY_BASE_SECONDS, SCHEDULE_GROUP)),
    /** Reads the deliveries table's stream and publishes Herald's events from it, ten per PutEvents call: Delivery
     *  Status for final states, Recipient Unsubscribed for deliveries whose unsubscribe link was used; and takes the
     *  unread in-app items that TTL removes out of their users' counts (the deliveries table's counts items). */
    STATUS_EVENTS("StatusEvents", LambdaModule.PROCESSOR, "dev.herald.processor.status.StatusEventsHandler", 512, Duration.ofSeconds(30),
            Invocation.STREAM, EnumSet.of(EVENT_BUS, DELIVERIES_TABLE), EnumSet.of(DELIVERY_RETENTION_DAYS)),
    /** Up to ten dispatches of 50 recipients per invocation, every connection posted in parallel (each post bounded
     *  by the SDK's call timeout), paced at its share of the channel's rate. */
    WEBSOCKET_CHANNEL("WebSocketChannel", LambdaModule.WEBSOCKET, "dev.herald.channel.websocket.WebSocketChannelHandler", 1024,
            Duration.ofSeconds(60), Invocation.QUEUE,
            // HeraldTables.Names.from reads all three table names, though this handler uses two of them.
            EnumSet.of(CONNECTIONS_TABLE, DELIVERIES_TABLE, RECIPIENTS_TABLE, WEBSOCKET_CALLBACK_URL, WEBSOCKET_QUEUE_URL, SEND_RATE),
            EnumSet.of(DELIVERY_RETENTION_DAYS, RETRY_BASE_SECONDS)),
    /** $connect: stores the connection the authorizer let in (it verifies the token itself when no authorizer ran, as
     *  in herald local, so it needs the issuer settings too). */
    WEBSOCKET_CONNECT("WebSocketConnect", LambdaModule.WEBSOCKET, "dev.herald.channel.websocket.ConnectHandler", 512, Duration.ofSeconds(10),
            Invocation.SYNC, EnumSet.of(CONNECTIONS_TABLE, JWKS_URL, JWT_ISSUER, JWT_AUDIENCE), EnumSet.of(JWT_SECRET)),
    /** $disconnect: deletes the connection (best effort; TTL covers the rest). */
    WEBSOCKET_DISCONNECT("WebSocketDisconnect", LambdaModule.WEBSOCKET, "dev.herald.channel.websocket.DisconnectHandler", 512,
            Duration.ofSeconds(10), Invocation.SYNC, EnumSet.of(CONNECTIONS_TABLE), EnumSet.noneOf(HeraldEnv.class)),
    /** $default: the inbox's actions (a few reads and at most six transactions, for read-all) and the user's own
     *  preferences, answered on the route and pushed to each of the user's connections. */
    WEBSOCKET_DEFAULT("WebSocketDefault", LambdaModule.WEBSOCKET, "dev.herald.channel.websocket.DefaultRouteHandler", 512,
            Duration.ofSeconds(10), Invocation.SYNC,
            EnumSet.of(CONNECTIONS_TABLE, DELIVERIES_TABLE, RECIPIENTS_TABLE, WEBSOCKET_CALLBACK_URL, DUE_QUEUE_URL),
            EnumSet.of(DELIVERY_RETENTION_DAYS)),
    /** $connect REQUEST authorizer: verifies the token against the issuer's JWKS (fetched once, then cached). */
    WEBSOCKET_AUTHORIZER("WebSocketAuthorizer", LambdaModule.WEBSOCKET, "dev.herald.channel.websocket.AuthorizerHandler", 512,
            Duration.ofSeconds(10), Invocation.SYNC, EnumSet.of(JWKS_URL, JWT_ISSUER, JWT_AUDIENCE), EnumSet.of(JWT_SECRET)),
    /** {@code GET|PUT /preferences} behind the preferences HTTP API's JWT authorizer: one profile item read, at most one
     *  transaction (the choices and the mark that announces them), then a post to each of the user's sockets. */
    PREFERENCES("Preferences", LambdaModule.WEBSOCKET, "dev.herald.channel.websocket.preferences.PreferencesApiHandler", 512,
            Duration.ofSeconds(10), Invocation.SYNC,
            // the connections table and the callback URL: the new preferences go to the user's open sockets
            EnumSet.of(RECIPIENTS_TABLE, DELIVERIES_TABLE, CONNECTIONS_TABLE, WEBSOCKET_CALLBACK_URL, DUE_QUEUE_URL),
            EnumSet.of(DELIVERY_RETENTION_DAYS)),
    /** Up to ten dispatches of 50 recipients per invocation, the recipients served in parallel and each recipient's
     *  devices one after another, published to the endpoint ARNs stored with the devices (its sns:Publish grant is
     *  scoped to the configured platform applications' endpoints), paced. */
    PUSH_CHANNEL("PushChannel", LambdaModule.PUSH, "dev.herald.channel.push.PushChannelHandler", 1024, Duration.ofSeconds(60),
            Invocation.QUEUE, EnumSet.of(RECIPIENTS_TABLE, DELIVERIES_TABLE, PUSH_QUEUE_URL, SEND_RATE),
            EnumSet.of(DELIVERY_RETENTION_DAYS, RETRY_BASE_SECONDS)),
    /** Device management events: one device per event, at most five SNS calls and a few DynamoDB reads and writes,
     *  each call bounded by the SDK's 10 s timeout; and {@code Recipient Deleted}, two SNS calls and one delete per
     *  device of the recipient (a retry resumes with the devices left). The platform application ARNs say which
     *  platforms can register; without one, a registration for that platform is refused. */
    DEVICE_EVENTS("DeviceEvents", LambdaModule.PUSH, "dev.herald.channel.push.DeviceEventsHandler", 512, Duration.ofSeconds(30),
            Invocation.ASYNC, EnumSet.of(RECIPIENTS_TABLE),
            EnumSet.of(SNS_APNS_APPLICATION_ARN, SNS_APNS_SANDBOX_APPLICATION_ARN, SNS_GCM_APPLICATION_ARN)),
    /** Up to ten dispatches of 50 recipients per invocation, one SES SendEmail each, paced at its share of the
     *  account's maximum send rate. The handler would
     *  send without a configuration set, but then no bounce or complaint would ever come back, so the stack always
     *  sets one; and always the unsubscribe URL (the stack's own endpoint unless overridden), so that non-critical
     *  emails carry List-Unsubscribe. */
    EMAIL_CHANNEL("EmailChannel", LambdaModule.EMAIL, "dev.herald.channel.email.EmailChannelHandler", 1024, Duration.ofSeconds(60),
            Invocation.QUEUE, EnumSet.of(RECIPIENTS_TABLE, DELIVERIES_TABLE, SES_CONFIGURATION_SET, UNSUBSCRIBE_URL, EMAIL_QUEUE_URL, SEND_RATE),
            EnumSet.of(DELIVERY_RETENTION_DAYS, RETRY_BASE_SECONDS)),
    /** SES events: bounces and complaints suppress the address and mark the delivery; deliveries, opens and clicks move it. */
    SES_EVENTS("SesEvents", LambdaModule.EMAIL, "dev.herald.channel.email.SesEventHandler", 512, Duration.ofSeconds(30),
            Invocation.ASYNC, EnumSet.of(RECIPIENTS_TABLE, DELIVERIES_TABLE), EnumSet.of(DELIVERY_RETENTION_DAYS)),
    /** {@code /unsubscribe} on the ingest API, the one-click unsubscribe link of every email (every method reaches it,
     *  so that all but GET and POST get its 405): one delivery read and at most one transaction (the unsubscribe and
     *  its delivery's mark), while a person or a mail client waits. The stream announces it; nothing here waits on
     *  the bus. */
    UNSUBSCRIBE("Unsubscribe", LambdaModule.EMAIL, "dev.herald.channel.email.UnsubscribeHandler", 512, Duration.ofSeconds(10),
            Invocation.SYNC, EnumSet.of(RECIPIENTS_TABLE, DELIVERIES_TABLE), EnumSet.of(DELIVERY_RETENTION_DAYS));

    /** How a function is invoked, which decides where its failures go. */
    public enum Invocation {
        /** EventBridge or another Lambda, asynchronously: retried by Lambda, then sent to an on-failure destination. */
        ASYNC,
        /** API Gateway, synchronously: the caller sees the error; nothing is queued. */
        SYNC,
        /** A DynamoDB stream: retried in order, then the batch's position goes to an on-failure destination. */
        STREAM,
        /**
         * Its own SQS queue, through an event source mapping with partial batch failures: a failed message comes back
         * after a backoff, and goes to the queue's DLQ after its last receive.
         */
        QUEUE
    }

    private final String id;
    private final LambdaModule module;
    private final String handlerClass;
    private final int memoryMb;
    private final Duration timeout;
    private final Invocation invocation;
    private final Set<HeraldEnv> required;
    private final Set<HeraldEnv> optional;

    HeraldFunction(String id, LambdaModule module, String handlerClass, int memoryMb, Duration timeout, Invocation invocation,
                   Set<HeraldEnv> required, Set<HeraldEnv> optional) {
        this.id = id;
        this.module = module;
        this.handlerClass = handlerClass;
        this.memoryMb = memoryMb;
        this.timeout = timeout;
        this.invocation = invocation;
        this.required = Set.copyOf(required);
        this.optional = Set.copyOf(optional);
    }

    /** The construct id, e.g. {@code Enrichment}. */
    public String id() {
        return id;
    }

    public LambdaModule module() {
        return module;
    }

    public String handlerClass() {
        return handlerClass;
    }

    /** Lambda's handler string: every Herald handler is a {@code RequestStreamHandler} or {@code RequestHandler}. */
    public String handler() {
        return handlerClass + "::handleRequest";
    }

    public int memoryMb() {
        return memoryMb;
    }

    public Duration timeout() {
        return timeout;
    }

    public Invocation invocation() {
        return invocation;
    }

    /** Variables the stack always sets: the handler cannot start, or cannot do its job in the cloud, without them. */
    public Set<HeraldEnv> required() {
        return required;
    }

    /** Variables the handler reads when present (a default or a missing feature otherwise); set when configured. */
    public Set<HeraldEnv> optional() {
        return optional;
    }
}
