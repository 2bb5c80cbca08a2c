package dev.herald.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionRepository;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.json.Json;
import dev.herald.local.HeraldLocal;
import dev.herald.local.LocalOptions;
import dev.herald.local.aws.Outbox;
import dev.herald.local.store.LocalStore;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * {@code reliability}: herald local under faults, checked for what a user would notice. A {@link Scenario}'s users
 * each have a profile (and so an address) and a WebSocket client that behaves like {@code herald-client.js}: it syncs
 * on every (re)connect, reconnects with backoff, and drops repeats by id. Some also have a connection record no
 * socket holds, as after a lost {@code $disconnect}. Then {@code booking.created} events go in through the real
 * EventBridge client, each for a user at random, while:
 * <ul>
 *   <li>{@link #TRANSIENT} of the calls to {@code @connections} and to SES fail with a 5xx (the SDK retries, the
 *       invocation is retried, and the rest goes to the DLQ);</li>
 *   <li>{@link #DUPLICATES} of all asynchronous invocations are delivered twice, at every hop (bus to enrichment,
 *       enrichment to processor, processor to channels, stream to status events);</li>
 *   <li>herald local stops halfway and starts again on the same {@code --data}, and the clients reconnect.</li>
 * </ul>
 * Once it is quiet, the DLQ is redriven once, as an operator would, and every client syncs once more. Counted per
 * event: the in-app item a user never got (lost), an item pushed twice, an item on another user's socket, an email
 * not sent or sent twice, and delivery records not in their final state. Every count must be 0. The benchmark's
 * scenario runs under a minute; {@code ReliabilityTest} runs a smaller one in every build. Stops everything it started.
 */
final class Reliability {

    /**
     * @param users  users with a profile and a WebSocket client
     * @param stale  of those, how many also have a connection record no socket holds
     * @param events {@code booking.created} events published, half before the restart and half after
     * @param rate   events offered per second
     */
    record Scenario(int users, int stale, int events, int rate) {
    }

    static final Scenario BENCHMARK = new Scenario(40, 10, 1_500, 150);
    static final int BATCH = 10;
    static final double TRANSIENT = 0.10;
    static final double DUPLICATES = 0.05;
    static final Duration QUIET = Duration.ofSeconds(2);
    static final Duration SETTLE = Duration.ofSeconds(120);

    private final LocalOptions options;
    private final Scenario scenario;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile HeraldLocal local;
    private final List<Client> clients = new ArrayList<>();
    /** Per booking id: its user, and the event id PutEvents gave it. */
    private final Map<String, String> userOf = new ConcurrentHashMap<>();
    private final Map<String, String> eventIdOf = new ConcurrentHashMap<>();
    /** Per booking id: the emails sent for it, counted in both runs through the outbox's listener. */
    private final Map<String, AtomicInteger> emails = new ConcurrentHashMap<>();
    private final Set<String> countedEmails = ConcurrentHashMap.newKeySet();
    private final LongAdder wrongUser = new LongAdder();
    /** Error replies to the clients' syncs. */
    private final List<String> errorReplies = new CopyOnWriteArrayList<>();
    private final Map<String, Long> injected = new TreeMap<>();
    private double restartSeconds;
    private int resumed;

    private Reliability(LocalOptions options, Scenario scenario) {
        this.options = options;
        this.scenario = scenario;
    }

    /** The benchmark: the {@link #BENCHMARK} scenario, with what it found printed. */
    static void run(Path templates) throws Exception {
        long started = System.nanoTime();
        Scenario s = BENCHMARK;
        System.out.printf("reliability: herald local with --data, %d users (each a profile and a WebSocket client; %d with a stale connection too),"
                + " %,d booking.created at %d/s; %.0f%% of @connections and SES calls fail with a 5xx, %.0f%% of async invocations are"
                + " delivered twice, and herald local restarts halfway%n", s.users(), s.stale(), s.events(), s.rate(), TRANSIENT * 100, DUPLICATES * 100);
        Outcome outcome = run(templates, s);
        outcome.print();
        System.out.printf("  (whole run %.0f s)%n", (System.nanoTime() - started) / 1e9);
    }

    /** Runs a scenario against a herald local of its own, on a fresh --data directory it deletes afterwards. */
    static Outcome run(Path templates, Scenario scenario) throws Exception {
        Path data = Files.createTempDirectory("herald-reliability");
        Reliability run = new Reliability(LocalOptions.defaults(templates).withPort(freePort()).withDataDir(data), scenario);
        try {
            return run.measure();
        } finally {
            run.clients.forEach(Client::stop);
            if (run.local != null) {
                run.local.close();
            }
            deleteRecursively(data);
        }
    }

    private Outcome measure() throws Exception {
        start();
        setUpUsers();
        for (int u = 0; u < scenario.users(); u++) {
            Client client = new Client("user-" + u);
            clients.add(client);
            client.connect();
        }
        awaitTrue("every client connected and synced", Duration.ofSeconds(20), () -> clients.stream().allMatch(c -> c.synced.get() > 0));

        try (EventBridgeClient bus = local.client(EventBridgeClient.builder())) {
            publish(bus, 0, scenario.events() / 2);
            restart();
            publish(bus, scenario.events() / 2, scenario.events());
        }
        settle();
        int redriven = redriveAll();
        settle();
        clients.forEach(Client::sync);
        awaitTrue("the last syncs answered", Duration.ofSeconds(20), () -> clients.stream().allMatch(Client::idle));
        return outcome(redriven);
    }

    private void start() {
        local = HeraldLocal.start(options);
        local.outbox().onEmail(this::counted);
        // what a start resumes may send before the listener is on: the outbox keeps the newest 500
        local.outbox().emails().forEach(this::counted);
        post("/local/faults", "{\"target\":\"connections\",\"error\":\"5xx\",\"rate\":" + TRANSIENT + "}");
        post("/local/faults", "{\"target\":\"ses\",\"error\":\"5xx\",\"rate\":" + TRANSIENT + "}");
        post("/local/faults", "{\"target\":\"invocations\",\"error\":\"duplicate\",\"rate\":" + DUPLICATES + "}");
    }

    /** Stops herald local the way Ctrl-C does and starts it again on the same port and data; the clients reconnect. */
    private void restart() {
        long started = System.nanoTime();
        countInjected();
        local.close();
        start();
        restartSeconds = (System.nanoTime() - started) / 1e9;
        resumed = local.resumedAtStart();
    }

    private void counted(Outbox.Email email) {
        if (!countedEmails.add(email.messageId())) {
            return;
        }
        String text = email.text() == null ? "" : email.text();
        int at = text.indexOf("BK-");
        String booking = at < 0 ? "?" : text.substring(at).split("\\s", 2)[0];
        emails.computeIfAbsent(booking, b -> new AtomicInteger()).incrementAndGet();
    }

    private void setUpUsers() {
        try (EventBridgeClient bus = local.client(EventBridgeClient.builder())) {
            for (int first = 0; first < scenario.users(); first += BATCH) {
                List<PutEventsRequestEntry> entries = new ArrayList<>();
                for (int u = first; u < Math.min(scenario.users(), first + BATCH); u++) {
                    entries.add(LocalLoad.recipientWithAddress(u));
                }
                putAll(bus, entries);
            }
        }
        settle();
        ConnectionRepository connections = new ConnectionRepository(local.store().dynamo(), LocalStore.TABLES.connections(), Clock.systemUTC());
        for (int u = 0; u < scenario.stale(); u++) {
            connections.put(new Connection("stale-" + u, "user-" + u, Clock.systemUTC().instant()));
        }
    }

    private void publish(EventBridgeClient bus, int from, int to) throws InterruptedException {
        java.util.Random random = new java.util.Random(from);
        long intervalNanos = 1_000_000_000L * BATCH / scenario.rate();
        long next = System.nanoTime();
        for (int i = from; i < to; i += BATCH) {
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            List<String> bookings = new ArrayList<>();
            for (int n = i; n < Math.min(to, i + BATCH); n++) {
                String user = "user-" + random.nextInt(scenario.users());
                String booking = "BK-" + n;
                userOf.put(booking, user);
                bookings.add(booking);
                entries.add(LocalLoad.booking(user, booking));
            }
            List<String> ids = putAll(bus, entries);
            for (int k = 0; k < ids.size(); k++) {
                eventIdOf.put(bookings.get(k), ids.get(k));
            }
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }

    /** PutEvents, sending again only the entries that failed (the queue was full), as the publisher library does. */
    private static List<String> putAll(EventBridgeClient bus, List<PutEventsRequestEntry> entries) {
        String[] ids = new String[entries.size()];
        List<Integer> pending = new ArrayList<>();
        for (int k = 0; k < entries.size(); k++) {
            pending.add(k);
        }
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt == 50) {
                throw new IllegalStateException(pending.size() + " entries still refused after 50 attempts");
            }
            List<Integer> sent = List.copyOf(pending);
            PutEventsResponse response = bus.putEvents(r -> r.entries(sent.stream().map(entries::get).toList()));
            pending.clear();
            for (int k = 0; k < sent.size(); k++) {
                PutEventsResultEntry result = response.entries().get(k);
                if (result.errorCode() == null) {
                    ids[sent.get(k)] = result.eventId();
                } else {
                    pending.add(sent.get(k));
                }
            }
            if (!pending.isEmpty()) {
                LocalLoad.sleep(100L * (attempt + 1));
            }
        }
        return List.of(ids);
    }

    /** Waits until nothing has been in flight for {@link #QUIET}, at most {@link #SETTLE}. */
    private void settle() {
        if (!LocalLoad.awaitQuiet(local, QUIET, SETTLE)) {
            System.out.println("  still busy after " + SETTLE.toSeconds() + " s: " + local.inFlight() + " invocations in flight");
        }
    }

    private int redriveAll() {
        JsonNode answer = Json.parse(post("/local/dlq/redrive", "{\"all\":true}"));
        return answer.path("redriven").size();
    }

    /** Adds up what the faults of this run injected; herald local's faults are per run. */
    private void countInjected() {
        Json.parse(get("/local/faults")).forEach(f -> injected.merge(f.path("target").asText().toLowerCase(java.util.Locale.ROOT) + " "
                + f.path("error").asText(), f.path("injected").asLong(), Long::sum));
    }

    /**
     * What a run found. Each count is of events; {@link #clean} when all are 0.
     *
     * @param notFinal delivery records not in the state they must end in, by channel and state
     */
    record Outcome(int published, Map<String, Long> injected, double restartSeconds, int resumed, long reconnects, int redriven, int leftInDlq,
                   int lost, int pushedTwice, long wrongUser, List<String> errorReplies, int emailsMissing, int emailsTwice,
                   Map<String, Integer> notFinal) {

        boolean clean() {
            return lost == 0 && pushedTwice == 0 && wrongUser == 0 && errorReplies.isEmpty() && emailsMissing == 0 && emailsTwice == 0
                    && notFinal.isEmpty() && leftInDlq == 0;
        }

        void print() {
            System.out.printf("  published %,d; injected %s%n", published, injected);
            System.out.printf("  restarted halfway in %.1f s, resuming %,d interrupted invocations; the clients reconnected %,d times;"
                    + " %d invocations redriven from the DLQ at the end, %d left there%n", restartSeconds, resumed, reconnects, redriven, leftInDlq);
            System.out.printf("  in-app: %d lost, %d pushed twice, %d on another user's socket; %d error replies to a sync%s%n", lost, pushedTwice,
                    wrongUser, errorReplies.size(), errorReplies.isEmpty() ? "" : " (" + errorReplies.getFirst() + ")");
            System.out.printf("  email:  %d not sent, %d sent twice%n", emailsMissing, emailsTwice);
            System.out.printf("  delivery records not in their final state: %s%n", notFinal.isEmpty() ? "none" : notFinal);
            System.out.println(clean() ? "  PASS: nothing lost, nothing sent twice, nothing to the wrong user" : "  FAIL: see the counts above");
        }
    }

    private Outcome outcome(int redriven) {
        countInjected();
        int lost = 0;
        int pushedTwice = 0;
        int emailMissing = 0;
        int emailTwice = 0;
        Map<String, Integer> notFinal = new TreeMap<>();
        DeliveryRepository deliveries = new DeliveryRepository(local.store().dynamo(), LocalStore.TABLES.deliveries(), Clock.systemUTC(),
                Duration.ofDays(30));
        Map<String, Client> byUser = new TreeMap<>();
        clients.forEach(c -> byUser.put(c.user, c));
        for (Map.Entry<String, String> booking : userOf.entrySet()) {
            Client client = byUser.get(booking.getValue());
            if (!client.received.contains(booking.getKey())) {
                lost++;
            }
            if (client.pushes.getOrDefault(booking.getKey(), new AtomicInteger()).get() > 1) {
                pushedTwice++;
            }
            int sent = emails.getOrDefault(booking.getKey(), new AtomicInteger()).get();
            emailMissing += sent == 0 ? 1 : 0;
            emailTwice += sent > 1 ? 1 : 0;
            // the booking's confirmation; its check-in reminder waits for the day before check-in
            List<Delivery> records = deliveries.forNotification(eventIdOf.get(booking.getKey())).stream()
                    .filter(d -> d.typeId().equals("booking.created")).toList();
            for (Channel channel : Channel.values()) {
                Optional<Delivery> record = records.stream().filter(d -> d.channel() == channel).findFirst();
                String state = record.map(d -> d.status() + (d.reason() == null ? "" : "(" + d.reason() + ")")).orElse("MISSING");
                boolean expected = switch (channel) {
                    case WEBSOCKET -> record.filter(d -> d.status() == DeliveryStatus.SENT || d.status() == DeliveryStatus.READ).isPresent();
                    // sent, or already reported delivered by SES's configuration set
                    case EMAIL -> record.filter(d -> d.status() == DeliveryStatus.SENT || d.status() == DeliveryStatus.DELIVERED).isPresent();
                    case PUSH -> record.filter(d -> d.status() == DeliveryStatus.SKIPPED).isPresent();
                };
                if (!expected) {
                    notFinal.merge(channel.id() + " " + state, 1, Integer::sum);
                }
            }
        }
        int left = Json.parse(get("/local/dlq")).size();
        long reconnects = clients.stream().mapToLong(c -> c.connects.get() - 1).sum();
        return new Outcome(userOf.size(), Map.copyOf(injected), restartSeconds, resumed, reconnects, redriven, left, lost, pushedTwice, wrongUser.sum(),
                List.copyOf(errorReplies), emailMissing, emailTwice, notFinal);
    }

    private String post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(local.baseUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private String get(String path) {
        return send(HttpRequest.newBuilder(URI.create(local.baseUrl() + path)).GET().build());
    }

    private String send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * One user's browser, as {@code herald-client.js} behaves: a sync on every (re)connect (and when asked), pages
     * followed while {@code more}, a reconnect with backoff when the socket closes, repeats dropped by id.
     */
    private final class Client implements WebSocket.Listener {
        final String user;
        /** Bookings received, pushed or synced. */
        final Set<String> received = ConcurrentHashMap.newKeySet();
        /** Pushes per booking, to count items pushed twice (a sync may repeat an item by design; a push may not). */
        final Map<String, AtomicInteger> pushes = new ConcurrentHashMap<>();
        final AtomicInteger connects = new AtomicInteger();
        final AtomicInteger synced = new AtomicInteger();
        final AtomicInteger syncsOutstanding = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        private final List<WebSocket> open = new CopyOnWriteArrayList<>();
        private volatile boolean stopped;
        private volatile String cursor;

        Client(String user) {
            this.user = user;
        }

        void connect() {
            long backoff = 100;
            while (!stopped) {
                try {
                    String token = local.token(user, Duration.ofHours(1));
                    WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(local.webSocketUrl() + "?token=" + token), this).join();
                    open.add(socket);
                    connects.incrementAndGet();
                    sync();
                    return;
                } catch (RuntimeException e) {
                    LocalLoad.sleep(backoff);
                    backoff = Math.min(2_000, backoff * 2);
                }
            }
        }

        void sync() {
            for (WebSocket socket : open) {
                syncsOutstanding.incrementAndGet();
                socket.sendText(cursor == null ? "{\"action\":\"sync\",\"limit\":100}"
                        : "{\"action\":\"sync\",\"limit\":100,\"since\":\"" + cursor + "\"}", true);
            }
        }

        boolean idle() {
            return syncsOutstanding.get() <= 0;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode message = Json.parse(partial.toString());
                partial.setLength(0);
                if ("sync".equals(message.path("action").asText())) {
                    message.path("items").forEach(this::item);
                    if (!message.path("cursor").isNull() && message.has("cursor")) {
                        cursor = message.path("cursor").asText();
                    }
                    if (message.path("more").asBoolean()) {
                        syncsOutstanding.incrementAndGet();
                        socket.sendText("{\"action\":\"sync\",\"limit\":100,\"since\":\"" + cursor + "\"}", true);
                    }
                    syncsOutstanding.decrementAndGet();
                    synced.incrementAndGet();
                } else if (message.has("type")) {
                    String booking = item(message);
                    pushes.computeIfAbsent(booking, b -> new AtomicInteger()).incrementAndGet();
                } else if (message.has("error")) {
                    // the answer to a sync that failed: counted and shown, and no longer awaited
                    errorReplies.add(message.toString());
                    syncsOutstanding.decrementAndGet();
                }
            }
            socket.request(1);
            return null;
        }

        private String item(JsonNode item) {
            JsonNode data = item.path("data");
            if (!user.equals(data.path("userId").asText())) {
                wrongUser.increment();
            }
            String booking = data.path("bookingId").asText();
            received.add(booking);
            return booking;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            reconnect(socket);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            reconnect(socket);
        }

        private void reconnect(WebSocket socket) {
            if (open.remove(socket) && !stopped) {
                syncsOutstanding.set(0);
                Thread.ofVirtual().start(this::connect);
            }
        }

        void stop() {
            stopped = true;
            open.forEach(WebSocket::abort);
        }
    }

    private static void awaitTrue(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LocalLoad.sleep(20);
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
