package dev.herald.bench;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.enrichment.EnrichmentHandler;
import dev.herald.enrichment.ExternalEnricher;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.local.store.CountingDynamo;
import dev.herald.fanout.FanOutProgress;
import dev.herald.idempotency.IdempotencyKeys;
import dev.herald.observability.NotificationMetrics;
import dev.herald.observability.RefusalMetrics;
import dev.herald.processor.ProcessorHandler;
import dev.herald.processor.Waiting;
import dev.herald.processor.RateLimiter;
import dev.herald.queue.RetryBackoff;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import dev.herald.schedule.Cancellations;
import dev.herald.store.HeraldTables;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Routing benchmarks on DynamoDB Local (embedded, in memory), single-threaded:
 * <ul>
 *   <li>{@code processor}: enrichment + processor for booking.created to one recipient with a profile, a device and
 *       an address (three channels); reports notifications/s, routing decisions/s, latency and DynamoDB calls per
 *       notification; then a topic-style fan-out to 1,000 recipients;</li>
 *   <li>{@code store}: the raw put rate of the same store, the ceiling the processor is measured against;</li>
 *   <li>{@code local}: herald local end to end, from PutEvents to the WebSocket frame (see {@link LocalEndToEnd});</li>
 *   <li>{@code sockets}, {@code audience}, {@code pacing}: herald local at scale (see {@link AtScale});</li>
 *   <li>{@code timing}: what each time-aware feature costs (see {@link TimingCost}).</li>
 * </ul>
 */
public final class Benchmarks {

    private static final int WARMUP = 3_000;
    private static final int MEASURED = 10_000;

    public static void main(String[] args) {
        try {
            run(args.length == 0 ? "processor" : args[0]);
        } catch (Exception | Error e) {
            // herald local's threads would keep a failed benchmark's JVM, and the build waiting on it, alive
            e.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String which) throws Exception {
        switch (which) {
            case "processor" -> {
                DynamoDbClient raw = DynamoDBEmbedded.create(true).dynamoDbClient();
                store(raw);
                processor(raw);
            }
            case "store" -> store(DynamoDBEmbedded.create(true).dynamoDbClient());
            case "local" -> {
                logToFile(which);
                LocalEndToEnd.run(templates());
            }
            case "reliability" -> {
                logToFile(which);
                Reliability.run(templates());
            }
            case "sockets" -> {
                logToFile(which);
                AtScale.sockets(templates());
            }
            case "audience" -> {
                logToFile(which);
                AtScale.audience(templates());
            }
            case "pacing" -> {
                logToFile(which);
                AtScale.pacing(templates());
            }
            case "cost" -> {
                logToFile(which);
                Cost.run(templates());
            }
            case "timing" -> {
                logToFile(which);
                TimingCost.run(templates());
            }
            default -> {
                System.err.println("unknown benchmark '" + which + "'; choose processor, store, local, reliability, cost, timing, sockets, audience or pacing");
                System.exit(2);
            }
        }
    }

    /** herald local's own log lines, at its level, into a file rather than over the results. */
    private static void logToFile(String benchmark) throws java.io.IOException {
        Path log = Path.of("target", "bench-" + benchmark + ".log");
        System.setProperty("log4j2.configurationFile", "herald-local-log4j2.xml");
        System.setErr(new java.io.PrintStream(java.nio.file.Files.newOutputStream(log), true, java.nio.charset.StandardCharsets.UTF_8));
        System.out.println("herald local's log: " + log.toAbsolutePath() + " (level " + System.getenv().getOrDefault("HERALD_LOG_LEVEL", "INFO") + ")");
    }

    private static Path templates() {
        return Path.of(System.getProperty("herald.templates", "../templates"));
    }

    private static void store(DynamoDbClient dynamo) {
        HeraldTables.Names tables = HeraldTables.Names.prefixed("store");
        HeraldTables.createIfMissing(dynamo, tables);
        long start = System.nanoTime();
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            int id = i;
            dynamo.putItem(r -> r.tableName(tables.recipients()).item(Map.of(
                    "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("P#" + id),
                    "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("S"))));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("store: %,.0f puts/s (DynamoDB Local embedded, 1 thread, %,d puts)%n", n / seconds, n);
    }

    private static void processor(DynamoDbClient raw) {
        CountingDynamo counting = new CountingDynamo(raw);
        DynamoDbClient dynamo = counting.client();
        HeraldTables.Names tables = HeraldTables.Names.prefixed("bench");
        HeraldTables.createIfMissing(raw, tables);
        Catalog catalog = CatalogLoader.load(Path.of(System.getProperty("herald.catalog", "../templates/catalog.yaml")));
        RecipientRepository recipients = new RecipientRepository(dynamo, tables.recipients(), Clock.systemUTC());
        DeliveryRepository deliveries = new DeliveryRepository(dynamo, tables.deliveries(), Clock.systemUTC(), Duration.ofDays(30));
        AtomicLong dispatches = new AtomicLong();
        AtomicLong dispatchedRecipients = new AtomicLong();
        FanOutProgress progress = new FanOutProgress(dynamo, tables.deliveries(), Clock.systemUTC(), Duration.ofDays(30));
        // the queues between the handlers are left out: the processor routes what enrichment returns, and the
        // dispatches are only counted
        EnrichmentHandler enrichment = new EnrichmentHandler(catalog, recipients, ExternalEnricher.NONE, RefusalMetrics.NONE,
                bodies -> { }, bodies -> { }, progress, new IdempotencyKeys(dynamo, tables.deliveries(), Clock.systemUTC()),
                new Cancellations(dynamo, tables.deliveries(), Clock.systemUTC(), Duration.ofDays(30)), deliveries);
        ProcessorHandler processor = new ProcessorHandler(catalog, deliveries, new RateLimiter(dynamo, tables.recipients()),
                (List<Dispatch> sent) -> sent.forEach(d -> {
                    dispatches.incrementAndGet();
                    dispatchedRecipients.addAndGet(d.recipients().size());
                }), Clock.systemUTC(), NotificationMetrics.NONE, null, RetryBackoff.DEFAULT, progress, Waiting.immediate(dynamo, tables.deliveries()));

        int users = 1_000;
        for (int i = 0; i < users; i++) {
            recipients.put(new RecipientProfile("u" + i, i % 2 == 0 ? "fr" : "en", "Europe/Paris", "u" + i + "@example.com", "User " + i,
                    Map.of(), null, null));
            recipients.putDevice(new Device("u" + i, "d" + i, Platform.GCM, "token" + i, "arn:aws:sns:us-east-1:1:endpoint/GCM/app/" + i, true, null));
        }

        for (int i = 0; i < WARMUP; i++) {
            notifyOne(enrichment, processor, "u" + (i % users));
        }
        counting.reset();
        dispatches.set(0);
        dispatchedRecipients.set(0);
        Histogram latency = new Histogram(3_600_000_000L, 3);
        long start = System.nanoTime();
        for (int i = 0; i < MEASURED; i++) {
            long t0 = System.nanoTime();
            notifyOne(enrichment, processor, "u" + (i % users));
            latency.recordValue((System.nanoTime() - t0) / 1000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long calls = counting.total();
        System.out.printf("processor: booking.created, 1 recipient x 3 channels, %,d notifications, 1 thread%n", MEASURED);
        System.out.printf("  %,.0f notifications/s, %,.0f routing decisions/s (recipient x channel)%n",
                MEASURED / seconds, MEASURED * 3 / seconds);
        System.out.printf("  latency enrichment+processor: p50 %.2f ms, p99 %.2f ms%n",
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0);
        System.out.printf("  DynamoDB calls per notification: %.2f %s%n", calls / (double) MEASURED, perNotification(counting.snapshot(), MEASURED));
        System.out.printf("  dispatches per notification: %.2f (channel hand-offs, each an async invoke in AWS)%n", dispatches.get() / (double) MEASURED);

        // fan-out: one event, 1,000 recipients, resolved as a topic would be
        counting.reset();
        dispatches.set(0);
        List<ResolvedRecipient> many = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            many.add(new ResolvedRecipient("u" + i, recipients.find("u" + i).orElseThrow(), recipients.devices("u" + i), "u" + i + "@example.com", false));
        }
        EventEnvelope event = EventEnvelope.create("demo.app", "booking.created", Json.parse("{\"userId\":\"u0\"}"));
        long t0 = System.nanoTime();
        processor.route(EnrichedEvent.of("booking.created", event, event.detail(), many));
        double fanOutMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf("fan-out: 1 event to %,d recipients x 3 channels routed and recorded in %.0f ms (%,.0f deliveries/s), %d dispatches, %d DynamoDB calls%n",
                users, fanOutMs, users * 3 / (fanOutMs / 1000), dispatches.get(), counting.total());
        System.out.println("channels: " + Channel.names());
    }

    private static void notifyOne(EnrichmentHandler enrichment, ProcessorHandler processor, String userId) {
        EventEnvelope event = EventEnvelope.create("demo.app", "booking.created",
                Json.parse("{\"userId\":\"" + userId + "\",\"bookingId\":\"b\",\"hotelName\":\"H\",\"checkIn\":\"2026-12-19\",\"nights\":2}"));
        processor.route(enrichment.handle(new MatchedEvent("booking.created", event)));
    }

    private static String perNotification(Map<String, Long> calls, int notifications) {
        StringBuilder out = new StringBuilder("(");
        calls.forEach((op, n) -> out.append(out.length() > 1 ? ", " : "").append(op).append(' ').append(String.format("%.2f", n / (double) notifications)));
        return out.append(')').toString();
    }
}
