package dev.herald.bench;

import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.fanout.FanOutProgress;
import dev.herald.json.Json;
import dev.herald.local.AwsUsage;
import dev.herald.local.HeraldLocal;
import dev.herald.local.LocalOptions;
import dev.herald.local.LocalProbe;
import dev.herald.local.aws.Faults;
import dev.herald.local.aws.LocalQueues;
import dev.herald.local.aws.Outbox;
import dev.herald.local.bus.AsyncInvoker;
import dev.herald.local.store.LocalStore;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * herald local at scale, with the SQS queues and event source mappings of the strict runtime:
 * <ul>
 *   <li>{@code sockets}: {@link #SOCKETS} WebSocket connections held at once (browsers in a child process, see
 *       {@link SocketClients}), then one topic notification to all of them: publish→first and →last frame, and the
 *       server's heap after GC;</li>
 *   <li>{@code audience}: a {@link #AUDIENCE}-member topic, WebSocket only and nobody connected, so every delivery ends
 *       waiting in its member's inbox without a provider's pace in the way: the time until every member has exactly
 *       one, nothing lost, nothing twice, nothing dead-lettered;</li>
 *   <li>{@code pacing}: {@link #EMAILS} emails against the SES stand-in limited to {@link #EMAIL_RATE}/s: the accepted
 *       emails in each second.</li>
 * </ul>
 * Each starts one herald local (in memory), bounds every wait, and stops it.
 */
final class AtScale {

    static final int SOCKETS = 10_000;
    static final int AUDIENCE = 100_000;
    static final int EMAILS = 2_000;
    static final int EMAIL_RATE = 50;
    static final String IN_APP_TYPE = "news.published";
    static final String EMAIL_TYPE = "digest.published";
    private static final int WRITERS = 4;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AtScale() {
    }

    // ---------------------------------------------------------------- sockets

    static void sockets(Path shippedTemplates) throws Exception {
        Path templates = templatesWithTopicTypes(shippedTemplates);
        try (HeraldLocal local = HeraldLocal.start(LocalOptions.defaults(templates).withPort(0))) {
            long heapIdle = heapAfterGc();
            System.out.printf("sockets: herald local in memory, one topic of %,d members, each with a WebSocket held by a child process%n",
                    SOCKETS);
            long written = writeMembers(local, "everyone", SOCKETS, false);
            System.out.printf("  members written (not timed by the figures below): %,d in %.1f s%n", SOCKETS, written / 1e9);
            long heapMembers = heapAfterGc();
            Path tokens = Files.createTempFile("herald-tokens", ".txt");
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(tokens))) {
                for (int i = 0; i < SOCKETS; i++) {
                    out.println(local.token(member(i), Duration.ofHours(1)));
                }
            }
            Process clients = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g", "-cp",
                    System.getProperty("java.class.path"), SocketClients.class.getName(), local.webSocketUrl(), tokens.toString(),
                    IN_APP_TYPE)
                    .redirectError(Path.of("target", "bench-sockets-clients.log").toFile()).start();
            try {
                BufferedReader fromClients = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter toClients = new PrintWriter(clients.getOutputStream(), true, StandardCharsets.UTF_8);
                String[] connected = fromClients.readLine().split(" ");
                System.out.printf("  connected: %s of %,d sockets in %s s (%s failed); the clients' own heap after GC: %s MiB%n",
                        connected[1], SOCKETS, connected[3], connected[2], connected[4]);
                long heapConnected = heapAfterGc();
                long rssConnected = rssBytes();
                System.out.printf("  server heap after GC: %,d MiB started, %,d MiB with the members written, %,d MiB holding %s sockets"
                                + " (%.1f KiB"
                                + " a socket); process RSS %,d MiB (DynamoDB Local's SQLite lives outside the heap)%n",
                        heapIdle >> 20, heapMembers >> 20, heapConnected >> 20, connected[1],
                        (heapConnected - heapMembers) / 1024.0 / Math.max(1, Integer.parseInt(connected[1])), rssConnected >> 20);

                Map<String, Long> callsBefore = local.store().calls();
                AwsUsage usageBefore = local.usage();
                Map<String, Long> cpuBefore = cpuByThread();
                long publishedAt = SocketClients.epochMicros(Instant.now());
                String eventId = publish(local, IN_APP_TYPE, "{\"topic\":\"everyone\",\"headline\":\"Winter timetable\"}");
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                String[] report;
                do {
                    Thread.sleep(100);
                    toClients.println("report");
                    report = fromClients.readLine().split(" ");
                } while (Long.parseLong(report[1]) < SOCKETS && System.nanoTime() < deadline);
                long frames = Long.parseLong(report[1]);
                double firstMs = (Long.parseLong(report[3]) - publishedAt) / 1000.0;
                double lastMs = (Long.parseLong(report[5]) - publishedAt) / 1000.0;
                Map<String, Long> calls = difference(local.store().calls(), callsBefore);
                Map<String, Long> cpu = difference(cpuByThread(), cpuBefore);
                AwsUsage usageAfter = local.usage();
                long heapAfter = heapAfterGc();
                System.out.printf("  one %s to the topic: %,d frames on %,d sockets, %s repeated; publish->first frame %.0f ms,"
                        + " publish->last"
                        + " frame %.0f ms (target 1,000 ms)%n", IN_APP_TYPE, frames, SOCKETS, report[7], firstMs, lastMs);
                System.out.printf("  server heap after GC once delivered: %,d MiB (target 1,024 MiB); RSS %,d MiB%n", heapAfter >> 20,
                        rssBytes() >> 20);
                FanOutProgress.Progress progress = local.fanOutProgress(eventId).orElseThrow();
                System.out.printf("  fan-out: %d pages, %,d members, %d work units, %,d deliveries created, %,d sent%n", progress.pages(),
                        progress.membersResolved(), progress.units(), progress.deliveriesCreated(), progress.sent());
                profile(calls, cpu, usageBefore, usageAfter, lastMs / 1000, SOCKETS);
                double perWrite = deliveryWriteMillis(local);
                long writes = writes(calls);
                System.out.printf("  store alone, one thread: %.3f ms per conditional delivery create; this notification's %,d writes"
                        + " at that pace take %,.0f ms, %.0f%% of publish->last frame%n", perWrite, writes, writes * perWrite,
                        100 * writes * perWrite / lastMs);
                toClients.println("exit");
                clients.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                clients.destroy();
                Files.deleteIfExists(tokens);
            }
        }
    }

    // ---------------------------------------------------------------- audience

    static void audience(Path shippedTemplates) throws Exception {
        Path templates = templatesWithTopicTypes(shippedTemplates);
        try (HeraldLocal local = HeraldLocal.start(LocalOptions.defaults(templates).withPort(0).withSendRate(Channel.WEBSOCKET, 0))) {
            System.out.printf("audience: herald local in memory, one topic of %,d members, %s (WebSocket only, nobody connected, so every"
                    + " delivery waits in its member's inbox), channel pacing off%n", AUDIENCE, IN_APP_TYPE);
            long written = writeMembers(local, "everyone", AUDIENCE, false);
            System.out.printf("  members written (not timed): %,d profiles and memberships in %.1f s, %d writers%n", AUDIENCE,
                    written / 1e9, WRITERS);

            Map<String, Long> callsBefore = local.store().calls();
            AwsUsage usageBefore = local.usage();
            Map<String, Long> cpuBefore = cpuByThread();
            long started = System.nanoTime();
            String eventId = publish(local, IN_APP_TYPE, "{\"topic\":\"everyone\",\"headline\":\"Winter timetable\"}");
            List<long[]> samples = new ArrayList<>();
            long deadline = started + Duration.ofMinutes(12).toNanos();
            long lastSample = 0;
            boolean done = false;
            while (!done && System.nanoTime() < deadline) {
                Thread.sleep(200);
                FanOutProgress.Progress p = local.fanOutProgress(eventId).orElse(null);
                long now = System.nanoTime();
                if (p != null && now - lastSample >= 5_000_000_000L) {
                    samples.add(new long[] {(now - started) / 1_000_000, p.deliveriesCreated(), p.membersResolved()});
                    lastSample = now;
                }
                done = p != null && p.complete() && p.deliveriesCreated() >= AUDIENCE && local.inFlight() == 0 && queuesEmpty(local);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Long> calls = difference(local.store().calls(), callsBefore);
            Map<String, Long> cpu = difference(cpuByThread(), cpuBefore);
            AwsUsage usageAfter = local.usage();
            FanOutProgress.Progress progress = local.fanOutProgress(eventId).orElseThrow();
            samples.add(new long[] {(long) (seconds * 1000), progress.deliveriesCreated(), progress.membersResolved()});

            DeliveryRepository deliveries = deliveries(local);
            Map<String, List<Delivery>> byRecipient = deliveries.forNotification(eventId).stream()
                    .collect(Collectors.groupingBy(Delivery::recipientId));
            long lost = Stream.iterate(0, i -> i + 1).limit(AUDIENCE).filter(i -> !byRecipient.containsKey(member(i))).count();
            long twice = byRecipient.values().stream().filter(d -> d.size() > 1).count();
            Map<String, Long> states = byRecipient.values().stream().flatMap(List::stream)
                    .collect(Collectors.groupingBy(d -> d.status() + (d.reason() == null ? "" : "(" + d.reason() + ")"), TreeMap::new,
                            Collectors.counting()));
            long unsettled = byRecipient.values().stream().flatMap(List::stream).filter(d -> !settled(d)).count();
            System.out.printf("  %s: %,d members with a delivery in %.1f s (%,.0f deliveries/s), publish to the last delivery settled%n",
                    done ? "done" : "NOT DONE within the time allowed", byRecipient.size(), seconds, byRecipient.size() / seconds);
            System.out.printf("  fan-out: %d pages, %,d members resolved, %,d work units, %,d deliveries created%n", progress.pages(),
                    progress.membersResolved(), progress.units(), progress.deliveriesCreated());
            System.out.printf("  lost %,d, with more than one delivery %,d, not yet final or waiting %,d; states %s%n", lost, twice,
                    unsettled, states);
            deadLetters(local);
            profile(calls, cpu, usageBefore, usageAfter, seconds, AUDIENCE);
            System.out.println("  deliveries created over time (each # is 2,000):");
            for (long[] s : samples) {
                System.out.printf("    %6.1f s %7d %s%n", s[0] / 1000.0, s[1], "#".repeat((int) (s[1] / 2_000)));
            }
        }
    }

    // ---------------------------------------------------------------- pacing

    static void pacing(Path shippedTemplates) throws Exception {
        Path templates = templatesWithTopicTypes(shippedTemplates);
        try (HeraldLocal local = HeraldLocal.start(LocalOptions.defaults(templates).withPort(0).withSendRate(Channel.EMAIL, EMAIL_RATE))) {
            System.out.printf("pacing: %,d emails (one %s to a topic of %,d members with an address), email channel and SES stand-in"
                            + " at %d/s%n",
                    EMAILS, EMAIL_TYPE, EMAILS, EMAIL_RATE);
            writeMembers(local, "readers", EMAILS, true);
            ConcurrentLinkedQueue<Outbox.Email> sent = new ConcurrentLinkedQueue<>();
            local.outbox().onEmail(sent::add);
            long started = System.nanoTime();
            String eventId = publish(local, EMAIL_TYPE, "{\"topic\":\"readers\",\"headline\":\"This week\"}");
            long deadline = started + Duration.ofSeconds(EMAILS / EMAIL_RATE * 3L + 30).toNanos();
            while (sent.size() < EMAILS && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            LocalLoad.awaitQuiet(local, Duration.ofSeconds(2), Duration.ofSeconds(30));
            Map<Long, Long> perSecond = sent.stream()
                    .collect(Collectors.groupingBy(e -> e.at().getEpochSecond(), TreeMap::new, Collectors.counting()));
            Map<String, Long> perAddress = sent.stream().flatMap(e -> e.to().stream())
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            long max = perSecond.values().stream().mapToLong(Long::longValue).max().orElse(0);
            List<Long> full = new ArrayList<>(perSecond.values());
            List<Long> inner = full.size() > 2 ? full.subList(1, full.size() - 1) : full;
            double meanInner = inner.stream().mapToLong(Long::longValue).average().orElse(0);
            long twice = perAddress.values().stream().filter(n -> n > 1).count();
            Map<String, Long> states = deliveries(local).forNotification(eventId).stream()
                    .collect(Collectors.groupingBy(d -> d.status().name(), TreeMap::new, Collectors.counting()));
            System.out.printf("  %,d emails accepted by SES in %.1f s from publish, to %,d addresses; sent twice: %d; deliveries %s%n",
                    sent.size(), seconds, perAddress.size(), twice, states);
            System.out.printf("  accepted per second: max %d (limit %d: %s), mean %.1f over the %d whole seconds between the first"
                            + " and the last%n",
                    max, EMAIL_RATE, max <= EMAIL_RATE ? "within" : "OVER", meanInner, inner.size());
            System.out.printf("  SES stand-in throttled %,d SendEmail calls (each requeued with a delay, none dead-lettered)%n",
                    LocalProbe.throttled(local, Faults.Service.SES));
            deadLetters(local);
            System.out.println("  emails accepted in each second (each # is 2):");
            long first = perSecond.isEmpty() ? 0 : perSecond.keySet().iterator().next();
            perSecond.forEach((second, n) -> System.out.printf("    %3d s %3d %s%n", second - first, n, "#".repeat((int) (n / 2))));
            if (max > EMAIL_RATE || twice > 0 || sent.size() < EMAILS) {
                throw new AssertionError("pacing: max " + max + "/s, " + twice + " sent twice, " + sent.size() + " of " + EMAILS + " sent");
            }
        }
    }

    // ---------------------------------------------------------------- shared parts

    static String member(int i) {
        return "member-%06d".formatted(i);
    }

    /** Profiles and memberships, written by {@link #WRITERS} threads; returns the nanoseconds it took. */
    private static long writeMembers(HeraldLocal local, String topic, int members, boolean withAddress) throws Exception {
        RecipientRepository recipients = new RecipientRepository(local.store().dynamo(), LocalStore.TABLES.recipients(), Clock.systemUTC());
        long started = System.nanoTime();
        try (ExecutorService writers = Executors.newFixedThreadPool(WRITERS)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int first = w;
                done.add(writers.submit(() -> {
                    for (int i = first; i < members; i += WRITERS) {
                        String id = member(i);
                        String address = withAddress ? id + "@example.com" : null;
                        recipients.put(new RecipientProfile(id, "en", "Europe/Paris", address, "Member " + i, Map.of(), null,
                                Instant.now()));
                        recipients.subscribe(topic, id);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        return System.nanoTime() - started;
    }

    private static String publish(HeraldLocal local, String type, String detail) {
        try (EventBridgeClient events = local.client(EventBridgeClient.builder())) {
            PutEventsResponse response = events.putEvents(r -> r.entries(e -> e.eventBusName("herald").source("demo.app").detailType(type)
                    .detail(detail)));
            if (response.failedEntryCount() > 0) {
                throw new IllegalStateException("PutEvents refused the entry: " + response.entries());
            }
            return response.entries().getFirst().eventId();
        }
    }

    private static DeliveryRepository deliveries(HeraldLocal local) {
        return new DeliveryRepository(local.store().dynamo(), LocalStore.TABLES.deliveries(), Clock.systemUTC(), Duration.ofDays(30));
    }

    /** Final, or waiting in the inbox for its member's next connection. */
    private static boolean settled(Delivery d) {
        return d.status().isFinal() || d.status() == DeliveryStatus.PENDING && DeliveryReason.NO_CONNECTION.equals(d.reason());
    }

    private static boolean queuesEmpty(HeraldLocal local) {
        return local.queueDepths().stream().filter(d -> !d.queue().endsWith(LocalQueues.DLQ_SUFFIX)).allMatch(d -> d.total() == 0);
    }

    /** The DLQs: each queue's, from {@code queueDepths()}, and the invocations' DLQ as {@code GET /local/dlq} lists it. */
    private static void deadLetters(HeraldLocal local) throws Exception {
        long inQueueDlqs = local.queueDepths().stream().filter(d -> d.queue().endsWith(LocalQueues.DLQ_SUFFIX))
                .mapToLong(LocalQueues.Depth::total).sum();
        HttpResponse<String> dlq = HTTP.send(HttpRequest.newBuilder(URI.create(local.baseUrl() + "/local/dlq")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        int listed = Json.parse(dlq.body()).size();
        System.out.printf("  dead letters: %d in the queues' DLQs (%s), %d listed by GET /local/dlq (HTTP %d)%n", inQueueDlqs,
                local.queueDepths().stream().filter(d -> d.queue().endsWith(LocalQueues.DLQ_SUFFIX)).map(LocalQueues.Depth::queue)
                        .collect(Collectors.joining(", ")), listed, dlq.statusCode());
        if (inQueueDlqs > 0 || listed > 0) {
            throw new AssertionError("dead letters: " + inQueueDlqs + " in queue DLQs, " + listed + " listed");
        }
    }

    /** What the run spent: DynamoDB calls and writes per second, handler time per function, CPU by thread. */
    private static void profile(Map<String, Long> calls, Map<String, Long> cpu, AwsUsage before, AwsUsage after, double seconds,
                                int deliveries) {
        long writes = writes(calls);
        System.out.printf("  DynamoDB: %,d calls, %,d of them writes (%.2f a delivery, %,.0f writes/s over the run) %s%n",
                calls.values().stream().mapToLong(Long::longValue).sum(), writes, writes / (double) deliveries, writes / seconds, calls);
        StringBuilder functions = new StringBuilder();
        after.invocations().forEach((name, usage) -> {
            AsyncInvoker.Usage was = before.invocations().getOrDefault(name, new AsyncInvoker.Usage(0, 0));
            long n = usage.attempts() - was.attempts();
            if (n > 0) {
                double handlerSeconds = (usage.handlerNanos() - was.handlerNanos()) / 1e9;
                functions.append(functions.isEmpty() ? "" : "; ").append(String.format(
                        "%s %,d invocations, %.1f s of handler time (%.0f ms each)", name, n, handlerSeconds, 1000 * handlerSeconds / n));
            }
        });
        System.out.println("  functions: " + functions);
        System.out.printf("  SQS requests: %,d%n", after.sqsRequests() - before.sqsRequests());
        StringBuilder threads = new StringBuilder();
        cpu.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8).forEach(e -> threads
                .append(threads.isEmpty() ? "" : ", ").append(e.getKey()).append(String.format(" %.1f s", e.getValue() / 1e9)));
        System.out.printf("  CPU by thread over the run (%.1f s wall, %d cores): %s%n", seconds, Runtime.getRuntime().availableProcessors(),
                threads);
    }

    /** The store alone, warm, on one thread: the time of one conditional delivery create into the deliveries table. */
    private static double deliveryWriteMillis(HeraldLocal local) {
        DeliveryRepository deliveries = deliveries(local);
        int n = 2_000;
        long start = 0;
        for (int i = -n; i < n; i++) {
            if (i == 0) {
                start = System.nanoTime();
            }
            DeliveryKey key = new DeliveryKey("calibration", IN_APP_TYPE, Channel.WEBSOCKET, "c" + i);
            deliveries.create(Delivery.pending(key, Instant.now(), null));
        }
        return (System.nanoTime() - start) / 1e6 / n;
    }

    /** The shipped templates plus two topic types, whose templates are booking.created's: in-app only, and email only. */
    static Path templatesWithTopicTypes(Path shipped) {
        try {
            Path dir = Files.createTempDirectory("herald-templates");
            copy(shipped, dir, f -> !f.toString().contains("target") && !f.toString().contains("src"));
            for (String type : List.of(IN_APP_TYPE, EMAIL_TYPE)) {
                copy(shipped.resolve("booking.created"), dir.resolve(type), f -> true);
            }
            Files.writeString(dir.resolve("catalog.yaml"), """

                      %s:
                        pattern:
                          source: [demo.app]
                          detail-type: [%s]
                        recipients: { topic: detail.topic }
                        category: news
                        channels: [websocket]

                      %s:
                        pattern:
                          source: [demo.app]
                          detail-type: [%s]
                        recipients: { topic: detail.topic }
                        category: news
                        channels: [email]
                    """.formatted(IN_APP_TYPE, IN_APP_TYPE, EMAIL_TYPE, EMAIL_TYPE), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void copy(Path from, Path to, java.util.function.Predicate<Path> keep) throws IOException {
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

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The resident set size of this process, from /proc (0 where there is none). */
    private static long rssBytes() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    /** CPU time of the live platform threads, summed by name with the numbers taken out. */
    private static Map<String, Long> cpuByThread() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new TreeMap<>();
        for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            long cpu = info == null ? -1 : mx.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                byName.merge(info.getThreadName().replaceAll("\\d+", "N"), cpu, Long::sum);
            }
        }
        return byName;
    }

    private static long writes(Map<String, Long> calls) {
        return calls.entrySet().stream().filter(e -> Stream.of("put", "update", "delete", "batchWrite", "transactWrite")
                .anyMatch(e.getKey()::startsWith)).mapToLong(Map.Entry::getValue).sum();
    }

    private static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> diff = new TreeMap<>();
        after.forEach((key, n) -> {
            long d = n - before.getOrDefault(key, 0L);
            if (d > 0) {
                diff.put(key, d);
            }
        });
        return diff;
    }
}
