package dev.herald.bench;

import dev.herald.catalog.Channel;
import dev.herald.cdk.HeraldFunction;
import dev.herald.local.AwsUsage;
import dev.herald.local.HeraldLocal;
import dev.herald.local.LocalOptions;
import dev.herald.local.bus.AsyncInvoker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * {@code cost}: what one notification costs in AWS, from what herald local counts while it delivers them. {@link #USERS}
 * users each have a profile with an address, a registered Android device and a WebSocket connection, so every
 * {@code booking.created} goes out on all three channels. After {@link #WARMUP} notifications, {@link #MEASURED} more
 * are counted: events on the bus, Lambda attempts and handler time per function, DynamoDB capacity units (tables and
 * indexes, as DynamoDB Local reports them), WebSocket messages, emails and pushes; and what observability adds: the
 * CloudWatch Logs the handlers, Lambda and the EMF metrics write at the level shipped ({@link LambdaLogs}), and the
 * X-Ray traces recorded. Those, at {@link Prices}, give the platform's price per million notifications for both ways
 * to publish (PutEvents, and the ingest API), with Lambda duration as measured here and with {@link NetworkTime}
 * added, and the channel providers' on top.
 */
final class Cost {

    static final int USERS = 20;
    static final int WARMUP = 200;
    static final int MEASURED = 1_000;
    static final int BATCH = 10;
    /** Notifications a second: well within what herald local serves here, see {@link #publish}. */
    static final int RATE = 100;

    /**
     * List prices, us-east-1, as of late 2025 (check aws.amazon.com/pricing for yours): EventBridge custom events,
     * Lambda requests and arm64 duration, DynamoDB on-demand request units (after the November 2024 reduction),
     * API Gateway WebSocket messages; then the channel providers: SNS mobile push and SES. CloudWatch Logs, X-Ray and
     * API Gateway REST requests as looked up in December 2026.
     */
    static final class Prices {
        static final double EVENT = 1.00e-6;
        static final double LAMBDA_REQUEST = 0.20e-6;
        static final double LAMBDA_GB_SECOND_ARM = 0.0000133334;
        static final double WRITE_UNIT = 0.625e-6;
        static final double READ_UNIT = 0.125e-6;
        static final double WEBSOCKET_MESSAGE = 1.00e-6;
        static final double PUSH = 0.50e-6;
        static final double EMAIL = 0.10e-3;
        /** CloudWatch Logs ingestion, Standard class: $0.50 per GB, the first tier of Lambda's tiered log pricing (May 2025). */
        static final double LOG_GB = 0.50;
        /** X-Ray traces recorded: $5.00 per million (after 100,000 free a month, not counted here). */
        static final double TRACE = 5.00e-6;
        /** API Gateway REST API requests: $3.50 per million (the first 333 million a month). */
        static final double REST_REQUEST = 3.50e-6;
        /**
         * SQS standard queue requests: $0.40 per million (after the first million a month, not subtracted). Each 64 KB
         * chunk of a request's payload is billed as one request; a booking.created's messages are about 1-3 KB, so a
         * batch of ten stays within one chunk and the requests counted are the requests billed.
         */
        static final double SQS_REQUEST = 0.40e-6;
    }

    /**
     * X-Ray's default sampling rule, which applies because the stack defines no other: the first request each second
     * (the reservoir, counted here per function that starts traces) and 5% of the rest.
     */
    static final double XRAY_RESERVOIR_PER_SECOND = 1;
    static final double XRAY_FIXED_RATE = 0.05;

    /**
     * The network time a handler spends in AWS that it does not spend here, where DynamoDB Local runs in this process
     * and the other services are stand-ins on 127.0.0.1: per DynamoDB call (DynamoDB's "single-digit millisecond"
     * latency within a region) and per call to another AWS API (SES SendEmail, SNS Publish, API Gateway
     * PostToConnection, Lambda Invoke, EventBridge PutEvents; AWS publishes no latency for these). An assumption, not
     * a measurement: set {@code -Dbench.dynamoDbMs} and {@code -Dbench.awsCallMs}.
     */
    record NetworkTime(double dynamoDbMs, double awsCallMs) {
        static NetworkTime fromSystemProperties() {
            return new NetworkTime(Double.parseDouble(System.getProperty("bench.dynamoDbMs", "5")),
                    Double.parseDouble(System.getProperty("bench.awsCallMs", "20")));
        }
    }

    /**
     * herald local's function names, and the stack's function each stands for (whose memory bills its duration). The
     * fan-out function runs the processor's code at its size, so it is billed with the processor's figures.
     */
    static final Map<String, HeraldFunction> FUNCTIONS = Map.ofEntries(
            Map.entry("herald-enrichment", HeraldFunction.ENRICHMENT),
            Map.entry(HeraldLocal.FANOUT, HeraldFunction.PROCESSOR),
            Map.entry("herald-processor", HeraldFunction.PROCESSOR),
            Map.entry("herald-status-events", HeraldFunction.STATUS_EVENTS),
            Map.entry(HeraldLocal.CHANNEL_FUNCTIONS.get(Channel.WEBSOCKET), HeraldFunction.WEBSOCKET_CHANNEL),
            Map.entry(HeraldLocal.CHANNEL_FUNCTIONS.get(Channel.PUSH), HeraldFunction.PUSH_CHANNEL),
            Map.entry(HeraldLocal.CHANNEL_FUNCTIONS.get(Channel.EMAIL), HeraldFunction.EMAIL_CHANNEL),
            Map.entry("herald-recipients", HeraldFunction.RECIPIENT_EVENTS),
            Map.entry("herald-devices", HeraldFunction.DEVICE_EVENTS),
            // each email's delivery report (and each open or click) is one invocation of the SES events function
            Map.entry(HeraldLocal.SES_EVENTS, HeraldFunction.SES_EVENTS));

    private final HeraldLocal local;
    private final EventBridgeClient bus;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<WebSocket> sockets = new ArrayList<>();
    private final LongAdder frames = new LongAdder();
    private final Random random = new Random(7);
    private int next;

    private Cost(HeraldLocal local) {
        this.local = local;
        this.bus = local.client(EventBridgeClient.builder());
    }

    static void run(Path templates) throws Exception {
        try (HeraldLocal local = HeraldLocal.start(LocalOptions.defaults(templates).withPort(0))) {
            Cost cost = new Cost(local);
            try {
                cost.measure();
            } finally {
                cost.sockets.forEach(WebSocket::abort);
                cost.bus.close();
            }
        }
    }

    private void measure() {
        LambdaLogs logs = LambdaLogs.start();
        try {
            measure(logs);
        } finally {
            logs.stop();
        }
    }

    private void measure(LambdaLogs logs) {
        System.out.printf("cost: herald local in process, %d users with an address, an Android device and a WebSocket each; booking.created on"
                + " all three channels, %,d warm-up then %,d measured, in PutEvents of %d%n", USERS, WARMUP, MEASURED, BATCH);
        for (int first = 0; first < USERS; first += BATCH) {
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            for (int u = first; u < Math.min(USERS, first + BATCH); u++) {
                entries.add(LocalLoad.recipientWithAddress(u));
                entries.add(LocalLoad.entry("mobile.app", "Device Registered",
                        "{\"recipientId\":\"user-%d\",\"deviceId\":\"phone\",\"platform\":\"GCM\",\"token\":\"fcm-%d\"}".formatted(u, u)));
            }
            bus.putEvents(r -> r.entries(entries.subList(0, BATCH)));
            bus.putEvents(r -> r.entries(entries.subList(BATCH, entries.size())));
        }
        for (int u = 0; u < USERS; u++) {
            sockets.add(http.newWebSocketBuilder().buildAsync(URI.create(local.webSocketUrl() + "?token=" + local.token("user-" + u,
                    Duration.ofHours(1))), new Counting()).join());
        }
        awaitQuiet();
        local.store().meterCapacity(true);
        publish(WARMUP);
        AwsUsage before = local.usage();
        Map<String, LambdaLogs.Count> logsBefore = logs.snapshot();
        long framesBefore = frames.sum();
        double rate = publish(MEASURED);
        AwsUsage after = local.usage();
        Map<String, LambdaLogs.Count> logsAfter = logs.snapshot();
        report(Usage.between(before, after, MEASURED), frames.sum() - framesBefore, LambdaLogs.Count.between(logsBefore, logsAfter), rate);
    }

    /** Publishes {@code count} notifications at about {@link #RATE} a second; returns the rate they were published at. */
    private double publish(int count) {
        long framesAtStart = frames.sum();
        long started = System.nanoTime();
        for (int i = 0; i < count; i += BATCH) {
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            for (int k = 0; k < BATCH; k++) {
                int n = next++;
                entries.add(LocalLoad.booking("user-" + random.nextInt(USERS), "BK-" + n));
            }
            bus.putEvents(r -> r.entries(entries));
            // 100 notifications a second, well within what herald local serves here, so handler times are not queueing
            // for the CPU, and each dispatch carries one notification, as at ordinary traffic
            LocalLoad.sleep(1000 * BATCH / RATE);
        }
        double rate = count / ((System.nanoTime() - started) / 1e9);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (frames.sum() - framesAtStart < count && System.nanoTime() < deadline) {
            LocalLoad.sleep(20);
        }
        awaitQuiet();
        return rate;
    }

    /** Until nothing has been in flight for two seconds, so the status stream has published too. */
    private void awaitQuiet() {
        LocalLoad.awaitQuiet(local, Duration.ofSeconds(2), Duration.ofSeconds(60));
    }

    /** Per notification, what the measured run used, per function where it is per function. */
    record Usage(double events, double heraldEvents, double readUnits, double writeUnits, double dynamoCalls, double messages,
                 double emails, double pushes, double sqsRequests, Map<HeraldFunction, Invocations> invocations,
                 Map<String, Double> callsByOperation) {

        /** A function's invocations (attempts) per notification and its mean handler time here. */
        record Invocations(double perNotification, double millisEach) {
            Invocations plus(Invocations other) {
                double total = perNotification + other.perNotification;
                return new Invocations(total, (perNotification * millisEach + other.perNotification * other.millisEach) / total);
            }
        }

        static Usage between(AwsUsage before, AwsUsage after, int notifications) {
            double n = notifications;
            Map<HeraldFunction, Invocations> invocations = new java.util.EnumMap<>(HeraldFunction.class);
            after.invocations().forEach((name, usage) -> {
                AsyncInvoker.Usage was = before.invocations().getOrDefault(name, new AsyncInvoker.Usage(0, 0));
                long attempts = usage.attempts() - was.attempts();
                if (attempts > 0) {
                    invocations.merge(FUNCTIONS.get(name), new Invocations(attempts / n, (usage.handlerNanos() - was.handlerNanos()) / 1e6 / attempts),
                            Invocations::plus);
                }
            });
            long calls = after.dynamoCalls().values().stream().mapToLong(Long::longValue).sum()
                    - before.dynamoCalls().values().stream().mapToLong(Long::longValue).sum();
            Map<String, Double> byOperation = new TreeMap<>();
            after.dynamoCalls().forEach((operation, count) -> {
                long made = count - before.dynamoCalls().getOrDefault(operation, 0L);
                if (made > 0) {
                    byOperation.put(operation, made / n);
                }
            });
            return new Usage((after.events() - before.events()) / n, (after.heraldEvents() - before.heraldEvents()) / n,
                    (after.capacity().readUnits() - before.capacity().readUnits()) / n,
                    (after.capacity().writeUnits() - before.capacity().writeUnits()) / n, calls / n,
                    (after.framesPosted() - before.framesPosted()) / n, (after.emailsSent() - before.emailsSent()) / n,
                    (after.pushesSent() - before.pushesSent()) / n, (after.sqsRequests() - before.sqsRequests()) / n, invocations,
                    byOperation);
        }

        double invocations(HeraldFunction function) {
            return invocations.getOrDefault(function, new Invocations(0, 0)).perNotification();
        }

        double lambdaRequests() {
            return invocations.values().stream().mapToDouble(Invocations::perNotification).sum();
        }

        /** GB-seconds at the handler times measured here. */
        double gbSecondsMeasured() {
            return invocations.entrySet().stream()
                    .mapToDouble(e -> e.getValue().perNotification() * e.getValue().millisEach() / 1000 * gb(e.getKey())).sum();
        }

        /**
         * GB-seconds with {@code network} added to the measured times: every DynamoDB call (all made by 1,024 MB
         * functions: enrichment, processor, channels), and every other AWS call by the function that makes it:
         * PostToConnection (WebSocket channel), SendEmail (email), Publish (push), the {@code SendMessageBatch} calls
         * that hand work on (see {@link #queueSends}), and the status function's PutEvents (one per ten events, at least
         * one per batch). The event source mappings' receives and deletes are Lambda's, not billed as duration.
         */
        double gbSecondsWith(NetworkTime network) {
            double putEvents = Math.max(invocations(HeraldFunction.STATUS_EVENTS), heraldEvents / 10);
            double addedMillis1024 = dynamoCalls * network.dynamoDbMs()
                    + (messages + emails + pushes + queueSends()) * network.awsCallMs();
            double addedMillisStatus = putEvents * network.awsCallMs();
            return gbSecondsMeasured() + addedMillis1024 / 1000 * gb(HeraldFunction.PROCESSOR)
                    + addedMillisStatus / 1000 * gb(HeraldFunction.STATUS_EVENTS);
        }

        /**
         * The {@code SendMessageBatch} calls a notification's functions make: enrichment one per invocation (its
         * matched events to the processor's queue), and the processor one per channel queue it routes to per
         * invocation (its batch's dispatches for a channel go in one call). Not measured apart from the mappings'
         * receives and deletes, so derived from the invocations; the channels' throttled requeues are left out.
         */
        double queueSends() {
            long channelsRouted = CHANNELS.stream().filter(c -> invocations(c) > 0).count();
            return invocations(HeraldFunction.ENRICHMENT) + invocations(HeraldFunction.PROCESSOR) * channelsRouted;
        }

        /**
         * The traces a notification starts, X-Ray sampling aside: one at each invocation that no traced caller
         * started. Enrichment (an app's PutEvents carries no trace header unless the app is traced itself), every
         * invocation by an event source mapping (the processor, the fan-out, the channels: a batch holds messages of
         * several traces, so Lambda starts a trace of its own for it and links the senders'), and each status batch
         * (a stream batch starts its own).
         */
        Map<HeraldFunction, Double> traceRoots() {
            Map<HeraldFunction, Double> roots = new java.util.EnumMap<>(HeraldFunction.class);
            for (HeraldFunction f : List.of(HeraldFunction.ENRICHMENT, HeraldFunction.PROCESSOR, HeraldFunction.STATUS_EVENTS,
                    HeraldFunction.WEBSOCKET_CHANNEL, HeraldFunction.PUSH_CHANNEL, HeraldFunction.EMAIL_CHANNEL)) {
                if (invocations(f) > 0) {
                    roots.put(f, invocations(f));
                }
            }
            return roots;
        }

        /** Traces recorded per notification under the default rule, at {@code rate} notifications a second. */
        double tracesSampled(double rate) {
            return traceRoots().values().stream().mapToDouble(perNotification -> {
                double perSecond = perNotification * rate;
                double recorded = Math.min(perSecond, XRAY_RESERVOIR_PER_SECOND)
                        + XRAY_FIXED_RATE * Math.max(0, perSecond - XRAY_RESERVOIR_PER_SECOND);
                return recorded / rate;
            }).sum();
        }

        double tracesAll() {
            return traceRoots().values().stream().mapToDouble(Double::doubleValue).sum();
        }

        static final List<HeraldFunction> CHANNELS = List.of(HeraldFunction.WEBSOCKET_CHANNEL, HeraldFunction.PUSH_CHANNEL,
                HeraldFunction.EMAIL_CHANNEL);

        private static double gb(HeraldFunction function) {
            return function.memoryMb() / 1024.0;
        }
    }

    /** The CloudWatch Logs a notification writes, in bytes; each part per notification. */
    record LogVolume(double handlerEvents, double handlerBytes, double platformEvents, double platformBytes, double emfEvents,
                     double emfBytes) {

        static LogVolume of(Usage usage, LambdaLogs.Count handlerLogs) {
            double platformEvents = 0;
            double platformBytes = 0;
            for (Map.Entry<HeraldFunction, Usage.Invocations> f : usage.invocations().entrySet()) {
                platformEvents += 2 * f.getValue().perNotification();
                platformBytes += LambdaLogs.platformLineBytes(f.getKey()) * f.getValue().perNotification();
            }
            // one EMF line per channel per flush: the processor's flush (one per invocation, whatever its batch) has one
            // per channel it routed to, and each channel invocation's flush one for its own channel
            Map<HeraldFunction, Long> emfLine = LambdaLogs.emfLineBytes(List.of(HeraldFunction.PROCESSOR, HeraldFunction.WEBSOCKET_CHANNEL,
                    HeraldFunction.PUSH_CHANNEL, HeraldFunction.EMAIL_CHANNEL));
            double emfEvents = 0;
            double emfBytes = 0;
            for (HeraldFunction channel : Usage.CHANNELS) {
                double invocations = usage.invocations(channel);
                if (invocations > 0) {
                    double processorLines = usage.invocations(HeraldFunction.PROCESSOR);
                    emfEvents += invocations + processorLines;
                    emfBytes += invocations * emfLine.get(channel) + processorLines * emfLine.get(HeraldFunction.PROCESSOR);
                }
            }
            double n = MEASURED;
            return new LogVolume(handlerLogs.events() / n, handlerLogs.bytes() / n, platformEvents, platformBytes, emfEvents, emfBytes);
        }

        double bytes() {
            return handlerBytes + platformBytes + emfBytes;
        }

        double events() {
            return handlerEvents + platformEvents + emfEvents;
        }

        double cost() {
            return bytes() / 1e9 * Prices.LOG_GB;
        }
    }

    /**
     * The ingest API's access-log line for one {@code POST /events} (the stage's {@code jsonWithStandardFields}
     * format), with the values API Gateway fills in; its bytes.
     */
    static long accessLogLineBytes() {
        String line = ("{\"requestId\":\"%s\",\"ip\":\"203.0.113.10\",\"user\":\"-\",\"caller\":\"-\",\"requestTime\":\"05/Dec/2026:11:52:07 +0000\","
                + "\"httpMethod\":\"POST\",\"resourcePath\":\"/events\",\"status\":\"200\",\"protocol\":\"HTTP/1.1\",\"responseLength\":\"50\"}")
                .formatted(java.util.UUID.randomUUID());
        return line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private void report(Usage usage, long measuredFrames, Map<String, LambdaLogs.Count> handlerLogs, double rate) {
        NetworkTime network = NetworkTime.fromSystemProperties();
        System.out.println("  per notification (frames received: " + measuredFrames + " of " + MEASURED + ", published at " + Math.round(rate) + " notifications/s):");
        usage.invocations().forEach((function, invocations) -> System.out.printf("    %-22s %.3f invocations, %5.1f ms each (handler time here), %4d MB%n",
                function.id(), invocations.perNotification(), invocations.millisEach(), function.memoryMb()));
        System.out.printf("    EventBridge events     %.3f (%.3f of them Herald's own)%n", usage.events(), usage.heraldEvents());
        System.out.printf("    DynamoDB               %.2f calls, %.2f write units and %.2f read units (tables and indexes)%n",
                usage.dynamoCalls(), usage.writeUnits(), usage.readUnits());
        System.out.println("      by operation: " + usage.callsByOperation().entrySet().stream()
                .map(e -> String.format("%s %.2f", e.getKey(), e.getValue())).collect(Collectors.joining(", ")));
        System.out.printf("    WebSocket messages     %.3f; emails %.3f; pushes %.3f%n", usage.messages(), usage.emails(), usage.pushes());
        System.out.printf("    SQS requests           %.3f (sends, the mappings' receives that returned messages, deletes; %.3f SendMessageBatch"
                + " by the functions)%n", usage.sqsRequests(), usage.queueSends());

        LambdaLogs.Count handlerTotal = handlerLogs.values().stream().reduce(new LambdaLogs.Count(0, 0), LambdaLogs.Count::plus);
        LogVolume logs = LogVolume.of(usage, handlerTotal);
        System.out.printf("  CloudWatch Logs at %s (the level shipped), per notification: %.2f events, %.0f bytes%n", LambdaLogs.SHIPPED,
                logs.events(), logs.bytes());
        handlerLogs.entrySet().stream().filter(e -> e.getValue().events() > 0).forEach(e -> System.out.printf("    %-22s %.3f lines, %.0f bytes each (measured, JSON layout with Powertools' Lambda fields)%n",
                e.getKey(), e.getValue().events() / (double) MEASURED, e.getValue().bytes() / (double) e.getValue().events()));
        System.out.printf("    Lambda platform lines  %.2f (platform.start and platform.report per invocation), %.0f bytes%n",
                logs.platformEvents(), logs.platformBytes());
        System.out.printf("    EMF metric lines       %.2f (the processor's, one per channel routed; one per channel invocation), %.0f bytes%n",
                logs.emfEvents(), logs.emfBytes());

        double sampled = usage.tracesSampled(RATE);
        double all = usage.tracesAll();
        System.out.printf("  X-Ray: %.2f traces started per notification (enrichment %.2f, processor %.2f, channels %.2f, status batches %.2f:"
                        + " each queue-fed batch starts its own); recorded: %.3f under the default rule at %d/s (%.3f at sustained high volume),"
                        + " %.2f at 100%% sampling%n",
                all, usage.invocations(HeraldFunction.ENRICHMENT), usage.invocations(HeraldFunction.PROCESSOR),
                Usage.CHANNELS.stream().mapToDouble(usage::invocations).sum(), usage.invocations(HeraldFunction.STATUS_EVENTS), sampled, RATE,
                all * XRAY_FIXED_RATE, all);

        double eventCost = usage.events() * Prices.EVENT;
        double requestCost = usage.lambdaRequests() * Prices.LAMBDA_REQUEST;
        double durationMeasured = usage.gbSecondsMeasured() * Prices.LAMBDA_GB_SECOND_ARM;
        double durationNetwork = usage.gbSecondsWith(network) * Prices.LAMBDA_GB_SECOND_ARM;
        double dynamoCost = usage.writeUnits() * Prices.WRITE_UNIT + usage.readUnits() * Prices.READ_UNIT;
        double messageCost = usage.messages() * Prices.WEBSOCKET_MESSAGE;
        double sqsCost = usage.sqsRequests() * Prices.SQS_REQUEST;
        double logCost = logs.cost();
        double traceCost = sampled * Prices.TRACE;
        double traceCostAll = all * Prices.TRACE;
        double ingestRequest = Prices.REST_REQUEST;
        double ingestLog = accessLogLineBytes() / 1e9 * Prices.LOG_GB;

        System.out.printf("  per million notifications, us-east-1 list prices: EventBridge $%.2f, Lambda requests $%.2f, Lambda duration $%.2f"
                        + " measured (%.4f GB-s each) or $%.2f with network time (%.4f GB-s: %.0f ms per DynamoDB call, %.0f ms per other AWS call),"
                        + " DynamoDB $%.2f, API Gateway messages $%.2f, SQS $%.2f, CloudWatch Logs $%.2f, X-Ray $%.2f (default sampling;"
                        + " $%.2f at 100%%)%n",
                eventCost * 1e6, requestCost * 1e6, durationMeasured * 1e6, usage.gbSecondsMeasured(), durationNetwork * 1e6,
                usage.gbSecondsWith(network), network.dynamoDbMs(), network.awsCallMs(), dynamoCost * 1e6, messageCost * 1e6,
                sqsCost * 1e6, logCost * 1e6, traceCost * 1e6, traceCostAll * 1e6);
        double common = eventCost + requestCost + dynamoCost + messageCost + sqsCost + logCost + traceCost;
        Map<String, Double> parts = Map.of("EventBridge", eventCost, "Lambda requests", requestCost, "Lambda duration (with network time)",
                durationNetwork, "DynamoDB", dynamoCost, "API Gateway messages", messageCost, "SQS", sqsCost, "CloudWatch Logs", logCost,
                "X-Ray", traceCost);
        StringBuilder ranked = new StringBuilder();
        parts.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).forEach(e -> ranked
                .append(ranked.isEmpty() ? "" : ", ").append(e.getKey()).append(String.format(" $%.2f", e.getValue() * 1e6)));
        System.out.println("  largest first: " + ranked);
        System.out.printf("  platform overhead, PutEvents direct: $%.2f per million notifications with measured handler times, $%.2f with network time"
                        + " (target $5.00)%n", (common + durationMeasured) * 1e6, (common + durationNetwork) * 1e6);
        System.out.printf("  platform overhead, ingest API (POST /events; + API Gateway request $%.2f and access-log line of %d bytes $%.2f):"
                        + " $%.2f measured, $%.2f with network time%n", ingestRequest * 1e6, accessLogLineBytes(), ingestLog * 1e6,
                (common + durationMeasured + ingestRequest + ingestLog) * 1e6, (common + durationNetwork + ingestRequest + ingestLog) * 1e6);
        System.out.printf("  channel providers on top: SES $%.2f, SNS $%.2f%n", usage.emails() * Prices.EMAIL * 1e6, usage.pushes() * Prices.PUSH * 1e6);
    }

    /** A browser that only counts the notifications pushed to it. */
    private final class Counting implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                if (partial.indexOf("\"type\":\"booking.created\"") >= 0) {
                    frames.increment();
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }
    }
}
