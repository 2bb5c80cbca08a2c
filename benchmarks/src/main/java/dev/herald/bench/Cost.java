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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * {@code cost}: what one notification costs in AWS, from what herald local counts while it delivers them. {@link #USERS}
 * users each have a profile with an address, a registered Android device and a WebSocket connection, so every
 * {@code booking.created} goes out on all three channels. After {@link #WARMUP} notifications, {@link #MEASURED} more
 * are counted: events on the bus, Lambda attempts and handler time per function, DynamoDB capacity units (tables and
 * indexes, as DynamoDB Local reports them), WebSocket messages, emails and pushes. Those, at {@link Prices}, give the
 * platform's price per million notifications and the channel providers' on top.
 */
final class Cost {

    static final int USERS = 20;
    static final int WARMUP = 200;
    static final int MEASURED = 1_000;
    static final int BATCH = 10;

    /**
     * List prices, us-east-1, as of late 2025 (check aws.amazon.com/pricing for yours): EventBridge custom events,
     * Lambda requests and arm64 duration, DynamoDB on-demand request units (after the November 2024 reduction),
     * API Gateway WebSocket messages; then the channel providers: SNS mobile push and SES.
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
    }

    /** herald local's function names, and the stack's function each stands for (whose memory bills its duration). */
    static final Map<String, HeraldFunction> FUNCTIONS = Map.of(
            "herald-enrichment", HeraldFunction.ENRICHMENT,
            "herald-processor", HeraldFunction.PROCESSOR,
            "herald-status-events", HeraldFunction.STATUS_EVENTS,
            HeraldLocal.CHANNEL_FUNCTIONS.get(Channel.WEBSOCKET), HeraldFunction.WEBSOCKET_CHANNEL,
            HeraldLocal.CHANNEL_FUNCTIONS.get(Channel.PUSH), HeraldFunction.PUSH_CHANNEL,
            HeraldLocal.CHANNEL_FUNCTIONS.get(Channel.EMAIL), HeraldFunction.EMAIL_CHANNEL,
            "herald-recipients", HeraldFunction.RECIPIENT_EVENTS,
            "herald-devices", HeraldFunction.DEVICE_EVENTS);

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
        long framesBefore = frames.sum();
        publish(MEASURED);
        AwsUsage after = local.usage();
        report(before, after, frames.sum() - framesBefore);
    }

    private void publish(int count) {
        long framesAtStart = frames.sum();
        for (int i = 0; i < count; i += BATCH) {
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            for (int k = 0; k < BATCH; k++) {
                int n = next++;
                entries.add(LocalLoad.booking("user-" + random.nextInt(USERS), "BK-" + n));
            }
            bus.putEvents(r -> r.entries(entries));
            // 100 notifications a second, well within what herald local serves here, so handler times are not queueing
            // for the CPU, and each dispatch carries one notification, as at ordinary traffic
            LocalLoad.sleep(100);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (frames.sum() - framesAtStart < count && System.nanoTime() < deadline) {
            LocalLoad.sleep(20);
        }
        awaitQuiet();
    }

    /** Until nothing has been in flight for two seconds, so the status stream has published too. */
    private void awaitQuiet() {
        LocalLoad.awaitQuiet(local, Duration.ofSeconds(2), Duration.ofSeconds(60));
    }

    private void report(AwsUsage before, AwsUsage after, long measuredFrames) {
        double n = MEASURED;
        double events = (after.events() - before.events()) / n;
        double heraldEvents = (after.heraldEvents() - before.heraldEvents()) / n;
        double readUnits = (after.capacity().readUnits() - before.capacity().readUnits()) / n;
        double writeUnits = (after.capacity().writeUnits() - before.capacity().writeUnits()) / n;
        double messages = (after.framesPosted() - before.framesPosted()) / n;
        double emails = (after.emailsSent() - before.emailsSent()) / n;
        double pushes = (after.pushesSent() - before.pushesSent()) / n;
        long calls = after.dynamoCalls().values().stream().mapToLong(Long::longValue).sum()
                - before.dynamoCalls().values().stream().mapToLong(Long::longValue).sum();

        double requests = 0;
        double gbSeconds = 0;
        System.out.println("  per notification (frames received: " + measuredFrames + " of " + MEASURED + "):");
        for (Map.Entry<String, AsyncInvoker.Usage> usage : after.invocations().entrySet()) {
            AsyncInvoker.Usage was = before.invocations().getOrDefault(usage.getKey(), new AsyncInvoker.Usage(0, 0));
            long attempts = usage.getValue().attempts() - was.attempts();
            if (attempts == 0) {
                continue;
            }
            double millis = (usage.getValue().handlerNanos() - was.handlerNanos()) / 1e6;
            HeraldFunction function = FUNCTIONS.get(usage.getKey());
            double gb = function.memoryMb() / 1024.0;
            requests += attempts / n;
            gbSeconds += millis / 1000 * gb / n;
            System.out.printf("    %-22s %.3f invocations, %5.1f ms each (handler time here), %4d MB%n", function.id(), attempts / n, millis / attempts,
                    function.memoryMb());
        }
        System.out.printf("    EventBridge events     %.3f (%.3f of them Herald's own)%n", events, heraldEvents);
        System.out.printf("    DynamoDB               %.2f calls, %.2f write units and %.2f read units (tables and indexes)%n", calls / n, writeUnits, readUnits);
        System.out.printf("    WebSocket messages     %.3f; emails %.3f; pushes %.3f%n", messages, emails, pushes);

        double eventCost = events * Prices.EVENT;
        double requestCost = requests * Prices.LAMBDA_REQUEST;
        double durationCost = gbSeconds * Prices.LAMBDA_GB_SECOND_ARM;
        double dynamoCost = writeUnits * Prices.WRITE_UNIT + readUnits * Prices.READ_UNIT;
        double messageCost = messages * Prices.WEBSOCKET_MESSAGE;
        double platform = eventCost + requestCost + durationCost + dynamoCost + messageCost;
        double providers = emails * Prices.EMAIL + pushes * Prices.PUSH;
        System.out.printf("  per million notifications, us-east-1 list prices: EventBridge $%.2f, Lambda requests $%.2f, Lambda duration $%.2f"
                        + " (%.4f GB-s each at this machine's handler times), DynamoDB $%.2f, API Gateway messages $%.2f%n",
                eventCost * 1e6, requestCost * 1e6, durationCost * 1e6, gbSeconds, dynamoCost * 1e6, messageCost * 1e6);
        System.out.printf("  platform overhead: $%.2f per million notifications (target $5.00); channel providers on top: SES $%.2f, SNS $%.2f%n",
                platform * 1e6, emails * Prices.EMAIL * 1e6, pushes * Prices.PUSH * 1e6);
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
