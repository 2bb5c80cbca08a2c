package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.connection.ConnectionRepository;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.json.Json;
import dev.herald.local.HeraldLocal;
import dev.herald.local.LocalOptions;
import dev.herald.local.store.LocalStore;
import dev.herald.recipient.RecipientRepository;
import dev.herald.store.HeraldTables;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * {@code local}: herald local end to end, in this process. WebSocket clients (java.net.http) are connected for
 * {@link #USERS} users; {@code booking.created} events for them go in through the real EventBridge client (PutEvents,
 * 10 entries a call), each carrying its send time; each comes out as a frame on its user's socket, after the bus,
 * enrichment, processor and WebSocket channel have run and recorded its deliveries in DynamoDB Local. Measured:
 * <ol>
 *   <li>the sustained rate: frames per second while publishers keep at most {@link #MAX_IN_FLIGHT} events unanswered,
 *       every event reaching its frame;</li>
 *   <li>publish→frame latency (p50, p99, max) at a fixed offered rate of half that;</li>
 *   <li>DynamoDB calls per notification, counted by the store, and the store's raw put rate, which together give
 *       the ceiling the store allows.</li>
 * </ol>
 * Users have no device and no address, so push and email are recorded as skipped and the in-app item is sent.
 * Last, the store alone, warm, on one thread: its raw put rate, and the rate at which it serves one notification's own
 * calls. Runs about 90 seconds and stops everything it started.
 */
final class LocalEndToEnd {

    static final int USERS = 100;
    static final int BATCH = 10;
    static final int PUBLISHERS = 4;
    static final int MAX_IN_FLIGHT = 2_000;
    static final Duration WARMUP = Duration.ofSeconds(25);
    static final Duration MEASURED = Duration.ofSeconds(15);
    static final Duration FIXED_RATE = Duration.ofSeconds(12);
    static final Duration FIXED_RATE_SETTLE = Duration.ofSeconds(2);
    static final Duration DRAIN = Duration.ofSeconds(30);
    static final int RAW_PUTS = 10_000;
    static final int STORE_NOTIFICATIONS = 2_000;

    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private final HeraldLocal local;
    private final EventBridgeClient events;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<WebSocket> sockets = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    /** Events PutEvents accepted, and frames received for them. */
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder publishErrors = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private final LongAdder wrongUser = new LongAdder();
    private final Recorder latency = new Recorder(3_600_000_000L, 3);
    /** Events published whose frame has not arrived yet, at most {@link #MAX_IN_FLIGHT} in the closed loop. */
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);

    private LocalEndToEnd(HeraldLocal local) {
        this.local = local;
        this.events = local.client(EventBridgeClient.builder());
    }

    static void run(Path templates) throws Exception {
        long started = System.nanoTime();
        try (HeraldLocal local = HeraldLocal.start(LocalOptions.defaults(templates).withPort(0))) {
            LocalEndToEnd bench = new LocalEndToEnd(local);
            try {
                bench.measure();
            } finally {
                bench.close();
            }
        }
        System.out.printf("  (whole run %.0f s)%n", (System.nanoTime() - started) / 1e9);
    }

    private void measure() throws Exception {
        connect();
        System.out.printf("local: herald local in process, %d users with one WebSocket each, booking.created (in-app sent, push and email skipped),"
                + " PutEvents of %d, %d publishers%n", USERS, BATCH, PUBLISHERS);

        // every write from here on is to the deliveries table, whose stream feeds the Delivery Status events
        long writesAtStart = writes(local.store().calls());
        long streamAtStart = local.statusRecordsRead();

        // warm-up: the JIT, the connection pools and DynamoDB Local's caches; not counted
        closedLoop(WARMUP);
        awaitAllFrames();

        Map<String, Long> callsBefore = local.store().calls();
        long framesBefore = frames.sum();
        long cpuBefore = CPU.getProcessCpuTime();
        Map<String, Long> threadsBefore = cpuByThread();
        long start = System.nanoTime();
        long sent = closedLoop(MEASURED);
        double seconds = (System.nanoTime() - start) / 1e9;
        long inWindow = frames.sum() - framesBefore;
        double cpuMillis = (CPU.getProcessCpuTime() - cpuBefore) / 1e6;
        Map<String, Long> threads = difference(cpuByThread(), threadsBefore);
        boolean complete = awaitAllFrames();
        long notifications = frames.sum() - framesBefore;
        Map<String, Long> calls = difference(local.store().calls(), callsBefore);
        double max = inWindow / seconds;
        long writes = writes(calls);
        double writesPerNotification = writes / (double) notifications;
        System.out.printf("  sustained: %,.0f notifications/s (%,d frames in %.1f s; %,d published, %s)%n", max, inWindow, seconds, sent,
                complete ? "every one reached its frame" : "MISSING " + (accepted.sum() - frames.sum()) + " frames");
        System.out.printf("  CPU: %.2f ms per notification, %.0f%% of %d cores (the whole process: herald local, its store, the JIT and these clients)%n",
                cpuMillis / inWindow, 100 * cpuMillis / 1000 / seconds / Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors());
        StringBuilder byThread = new StringBuilder();
        threads.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6).forEach(e -> byThread
                .append(byThread.isEmpty() ? "" : ", ").append(e.getKey()).append(String.format(" %.2f", e.getValue() / 1e6 / inWindow)));
        System.out.printf("  CPU ms per notification by thread: %s; the rest is the JIT and the GC%n", byThread);
        System.out.printf("  DynamoDB calls per notification: %.2f, of which writes %.2f %s%n",
                calls.values().stream().mapToLong(Long::longValue).sum() / (double) notifications, writesPerNotification, perNotification(calls, notifications));

        // latency at half the sustained rate, stamped with the intended send time so a stalled publisher counts
        int rate = (int) Math.max(BATCH, max / 2);
        Histogram histogram = fixedRate(rate, FIXED_RATE);
        boolean drained = awaitAllFrames();
        System.out.printf("  at %,d notifications/s offered: publish->frame p50 %.1f ms, p99 %.1f ms, max %.1f ms (%,d frames%s)%n",
                rate, histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                histogram.getMaxValue() / 1000.0, histogram.getTotalCount(), drained ? "" : ", SOME MISSING");
        long stopped = System.nanoTime();
        long deliveryWrites = writes(local.store().calls()) - writesAtStart;
        while (local.statusRecordsRead() - streamAtStart < deliveryWrites && System.nanoTime() - stopped < DRAIN.toNanos()) {
            Thread.sleep(10);
        }
        long streamRead = local.statusRecordsRead() - streamAtStart;
        System.out.printf("  Delivery Status stream: %,d of %,d delivery writes read, %.1f s after the last frame%n",
                streamRead, deliveryWrites, (System.nanoTime() - stopped) / 1e9);
        System.out.printf("  totals: %,d accepted, %,d refused by PutEvents, %,d failed PutEvents calls, %,d frames, %,d frames on another user's socket,"
                + " %d invocations in flight%n", accepted.sum(), refused.sum(), publishErrors.sum(), frames.sum(), wrongUser.sum(), local.inFlight());

        // the store alone, warm, on one thread: what it allows. A store of its own, as herald local opens it: DynamoDB
        // Local slows every write to a table whose stream is younger than another table's busy stream
        double rawPuts;
        double storeAlone;
        try (LocalStore alone = LocalStore.inMemory()) {
            rawPuts = rawPutRate(alone.dynamo());
            storeAlone = notificationCallsRate(alone.dynamo());
        }
        double ceiling = rawPuts / writesPerNotification;
        System.out.printf("  store: %,.0f puts/s raw / %.2f writes = %,.0f notifications/s allowed; sustained is %.0f%% of it (target: at least 50%%)%n",
                rawPuts, writesPerNotification, ceiling, 100 * max / ceiling);
        System.out.printf("  store: one notification's own calls (3 conditional creates, claim, finish, 2 queries) on one thread: %,.0f notifications/s;"
                + " sustained is %.0f%% of it%n", storeAlone, 100 * max / storeAlone);
    }

    /** Publishes as fast as the runtime answers, keeping at most {@link #MAX_IN_FLIGHT} events without their frame. */
    private long closedLoop(Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        long before = accepted.sum();
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            publishers.add(Thread.ofPlatform().name("bench-publisher-" + p).start(() -> {
                try {
                    while (System.nanoTime() < end) {
                        if (inFlight.tryAcquire(BATCH, 100, TimeUnit.MILLISECONDS)) {
                            publish(System.nanoTime());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : publishers) {
            t.join();
        }
        return accepted.sum() - before;
    }

    /** Offers {@code rate} notifications/s in batches at fixed times; returns the latencies after the settling time. */
    private Histogram fixedRate(int rate, Duration duration) throws InterruptedException {
        long interval = TimeUnit.SECONDS.toNanos(1) * BATCH / rate;
        long batches = duration.toNanos() / interval;
        long settleBatches = FIXED_RATE_SETTLE.toNanos() / interval;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        AtomicLong next = new AtomicLong();
        List<Thread> publishers = new ArrayList<>();
        Histogram measured = new Histogram(3_600_000_000L, 3);
        for (int p = 0; p < PUBLISHERS; p++) {
            publishers.add(Thread.ofPlatform().name("bench-publisher-" + p).start(() -> {
                for (long k = next.getAndIncrement(); k < batches; k = next.getAndIncrement()) {
                    long intended = start + k * interval;
                    long wait;
                    while ((wait = intended - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (k == settleBatches) {
                        latency.getIntervalHistogram(); // drop what the settling time recorded
                    }
                    inFlight.acquireUninterruptibly(BATCH); // never waits at half the sustained rate
                    publish(intended);
                }
            }));
        }
        for (Thread t : publishers) {
            t.join();
        }
        awaitAllFrames();
        measured.add(latency.getIntervalHistogram());
        return measured;
    }

    /**
     * One PutEvents of {@link #BATCH} booking.created events, for consecutive users, stamped with {@code sentAt}; the
     * caller holds {@link #BATCH} in-flight permits, which the frames (or a refusal) give back.
     */
    private void publish(long sentAt) {
        List<PutEventsRequestEntry> entries = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            long n = sequence.getAndIncrement();
            String detail = "{\"userId\":\"u" + (n % USERS) + "\",\"bookingId\":\"b" + n + "\",\"hotelName\":\"Hotel " + n
                    + "\",\"checkIn\":\"2026-12-19\",\"nights\":2,\"sentAt\":" + sentAt + "}";
            entries.add(PutEventsRequestEntry.builder().eventBusName("herald").source("demo.app").detailType("booking.created").detail(detail).build());
        }
        PutEventsResponse response;
        try {
            response = events.putEvents(r -> r.entries(entries));
        } catch (RuntimeException e) {
            publishErrors.increment();
            inFlight.release(BATCH);
            return;
        }
        int failed = response.failedEntryCount() == null ? 0 : response.failedEntryCount();
        inFlight.release(failed);
        accepted.add(BATCH - failed);
        refused.add(failed);
    }

    /** Waits (bounded) until every accepted event has its frame. */
    private boolean awaitAllFrames() throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (frames.sum() < accepted.sum()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void connect() {
        for (int u = 0; u < USERS; u++) {
            String user = "u" + u;
            String token = local.token(user, Duration.ofHours(1));
            sockets.add(http.newWebSocketBuilder().buildAsync(URI.create(local.webSocketUrl() + "?token=" + token), new Frames(user))
                    .orTimeout(5, TimeUnit.SECONDS).join());
        }
    }

    private void close() {
        for (WebSocket socket : sockets) {
            socket.abort();
        }
        events.close();
        http.close();
    }

    /** One user's socket: each booking.created frame is counted and its publish→frame time recorded. */
    private final class Frames implements WebSocket.Listener {
        private final String user;
        private final StringBuilder partial = new StringBuilder();

        Frames(String user) {
            this.user = user;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.nanoTime();
                JsonNode frame = Json.parse(partial.toString());
                partial.setLength(0);
                if ("booking.created".equals(frame.path("type").asText())) {
                    JsonNode detail = frame.path("data");
                    latency.recordValue(Math.max(0, (now - detail.path("sentAt").asLong()) / 1000));
                    if (!user.equals(detail.path("userId").asText())) {
                        wrongUser.increment();
                    }
                    frames.increment();
                    inFlight.release();
                }
            }
            socket.request(1);
            return null;
        }
    }

    /** The store's own put rate: single puts of a key alone, one thread, into a table without a stream, after as many to warm up. */
    private static double rawPutRate(DynamoDbClient dynamo) {
        HeraldTables.Names tables = LocalStore.TABLES;
        long start = 0;
        for (int i = -RAW_PUTS; i < RAW_PUTS; i++) {
            if (i == 0) {
                start = System.nanoTime();
            }
            int id = i;
            dynamo.putItem(r -> r.tableName(tables.recipients()).item(Map.of("pk", AttributeValue.fromS("P#" + id), "sk", AttributeValue.fromS("S"))));
        }
        return RAW_PUTS / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * The store doing just what one notification asks of it, through the same repositories, on one thread, into
     * Herald's tables (same indexes and stream, nobody reading it): the rate the store alone allows.
     */
    private static double notificationCallsRate(DynamoDbClient dynamo) {
        HeraldTables.Names tables = LocalStore.TABLES;
        Clock clock = Clock.systemUTC();
        DeliveryRepository deliveries = new DeliveryRepository(dynamo, tables.deliveries(), clock, Duration.ofDays(30));
        RecipientRepository recipients = new RecipientRepository(dynamo, tables.recipients(), clock);
        ConnectionRepository connections = new ConnectionRepository(dynamo, tables.connections(), clock);
        long start = 0;
        for (int i = -STORE_NOTIFICATIONS; i < STORE_NOTIFICATIONS; i++) {
            if (i == 0) {
                start = System.nanoTime();
            }
            String user = "u" + Math.floorMod(i, USERS);
            recipients.load(user);
            Instant now = clock.instant();
            DeliveryKey inApp = new DeliveryKey("n" + i, "booking.created", Channel.WEBSOCKET, user);
            deliveries.create(Delivery.pending(inApp, now, null));
            deliveries.create(Delivery.outcome(new DeliveryKey("n" + i, "booking.created", Channel.PUSH, user), DeliveryStatus.SKIPPED, DeliveryReason.NO_DEVICE, now));
            deliveries.create(Delivery.outcome(new DeliveryKey("n" + i, "booking.created", Channel.EMAIL, user), DeliveryStatus.SKIPPED, DeliveryReason.NO_ADDRESS, now));
            deliveries.claim(inApp);
            connections.forUser(user);
            deliveries.finish(inApp, DeliveryStatus.SENT, null, "{\"id\":\"n" + i + "/booking.created\",\"body\":\"Your booking is confirmed\"}");
        }
        return STORE_NOTIFICATIONS / ((System.nanoTime() - start) / 1e9);
    }

    /** CPU time of the live platform threads, summed by name with the numbers taken out (virtual threads run on the ForkJoinPool workers). */
    private static Map<String, Long> cpuByThread() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            long cpu = info == null ? -1 : mx.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                byName.merge(info.getThreadName().replaceAll("\\d+", "N"), cpu, Long::sum);
            }
        }
        return byName;
    }

    private static long writes(Map<String, Long> calls) {
        return calls.entrySet().stream().filter(e -> isWrite(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    private static boolean isWrite(String operation) {
        return operation.startsWith("put") || operation.startsWith("update") || operation.startsWith("delete")
                || operation.startsWith("batchWrite") || operation.startsWith("transactWrite");
    }

    private static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> diff = new java.util.TreeMap<>();
        after.forEach((op, n) -> {
            long d = n - before.getOrDefault(op, 0L);
            if (d > 0) {
                diff.put(op, d);
            }
        });
        return diff;
    }

    private static String perNotification(Map<String, Long> calls, long notifications) {
        StringBuilder out = new StringBuilder("(");
        calls.forEach((op, n) -> out.append(out.length() > 1 ? ", " : "").append(op).append(' ').append(String.format("%.2f", n / (double) notifications)));
        return out.append(')').toString();
    }
}
