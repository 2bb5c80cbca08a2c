package dev.herald.bench;

import dev.herald.local.AwsUsage;
import dev.herald.local.DrivenClock;
import dev.herald.local.HeraldLocal;
import dev.herald.local.LocalOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * {@code timing}: what each time-aware feature costs in AWS, counted by herald local on a driven clock. For each
 * feature, {@link #EVENTS} events go in for recipients with a profile and an address (no device, no socket), the clock
 * is moved past every due time, and what the whole run did is divided by the events: DynamoDB write and read units
 * (as DynamoDB Local reports them, transactions at twice the units), SQS requests, Scheduler schedules created and
 * fired. Each feature is measured against its plain counterpart, the same events sent at once, so that the difference
 * is what the feature adds.
 */
final class TimingCost {

    static final int EVENTS = 200;
    static final Instant START = Instant.parse("2026-12-01T11:00:00Z");

    /** What one feature's run cost, per event. */
    record Measured(String feature, double writeUnits, double readUnits, double sqsRequests, double schedulesCreated, double schedulesFired) {
        /** Platform cost per million events of these operations at list prices (DynamoDB on demand, SQS, Scheduler). */
        double dollarsPerMillion() {
            return 1e6 * (writeUnits * Cost.Prices.WRITE_UNIT + readUnits * Cost.Prices.READ_UNIT + sqsRequests * Cost.Prices.SQS_REQUEST
                    + schedulesFired * SCHEDULER_INVOCATION);
        }
    }

    /** EventBridge Scheduler: $1.00 per million invocations (after 14 million free a month, not subtracted); API calls are free. */
    static final double SCHEDULER_INVOCATION = 1.00e-6;

    private TimingCost() {
    }

    static void run(Path shipped) throws Exception {
        Path templates = templatesWithTimingTypes(shipped);
        List<Measured> results = new ArrayList<>();
        results.add(measure(templates, "message.received sent at once (websocket + email, no escalation)", "message.plain",
                n -> message(n), false));
        results.add(measure(templates, "escalation: email 30 min after the in-app item, unless read", "message.received", n -> message(n), false));
        results.add(measure(templates, "idempotency key: events with a key of their own", "message.keyed", n -> keyed(n, "k" + n), false));
        results.add(measure(templates, "idempotency key: duplicates of one event (all but the first skipped)", "message.keyed",
                n -> keyed(n, "same"), false));
        results.add(measure(templates, "sendAt the day before, 2 channels (websocket, email)", "stay.reminder", n -> stay(n), false));
        results.add(measure(templates, "quiet hours: deferred to their end, 2 channels", "stay.reminder.quiet", n -> stay(n), true));
        results.add(measure(templates, "digest: " + EVENTS + " events for one recipient (max 50: four digests)", "review.posted",
                n -> review(n), false));
        System.out.printf("timing: herald local on a driven clock, %d events per feature, recipients with a profile and an address%n", EVENTS);
        System.out.printf("%-78s %8s %8s %8s %9s %9s %10s%n", "per event", "WRU", "RRU", "SQS req", "sched+", "sched run", "$/M events");
        for (Measured m : results) {
            System.out.printf("%-78s %8.2f %8.2f %8.2f %9.3f %9.3f %10.2f%n", m.feature(), m.writeUnits(), m.readUnits(), m.sqsRequests(),
                    m.schedulesCreated(), m.schedulesFired(), m.dollarsPerMillion());
        }
    }

    /**
     * The shipped templates plus the plain and keyed counterparts of {@code message.received} (in-app and email at
     * once), and two reminders on in-app and email: one sent the day before check-in, one deferred by quiet hours.
     */
    static Path templatesWithTimingTypes(Path shipped) throws IOException {
        Path dir = Files.createTempDirectory("herald-templates");
        AtScale.copy(shipped, dir, f -> !f.toString().contains("target") && !f.toString().contains("src"));
        for (String type : List.of("message.plain", "message.keyed")) {
            AtScale.copy(shipped.resolve("message.received"), dir.resolve(type), f -> true);
        }
        for (String type : List.of("stay.reminder", "stay.reminder.quiet")) {
            AtScale.copy(shipped.resolve("booking.checkin-reminder"), dir.resolve(type), f -> true);
        }
        StringBuilder types = new StringBuilder("\n");
        for (String type : List.of("message.plain", "message.keyed")) {
            types.append(type(type, "toUserId", "messages", ""));
        }
        types.append(type("stay.reminder", "userId", "bookings", "    sendAt: { path: detail.checkIn, before: 1d }\n"));
        types.append(type("stay.reminder.quiet", "userId", "bookings", "    quietHours: defer\n"));
        Files.writeString(dir.resolve("catalog.yaml"), types.toString(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        dir.toFile().deleteOnExit();
        return dir;
    }

    private static String type(String id, String recipientField, String category, String timing) {
        return "\n  " + id + ":\n    pattern: { source: [demo.app], detail-type: [" + id + "] }\n    recipients: { userId: detail." + recipientField
                + " }\n    category: " + category + "\n    channels: [websocket, email]\n" + timing;
    }

    private static String message(int n) {
        return "{\"toUserId\":\"user-" + n + "\",\"fromName\":\"Host\",\"preview\":\"Room ready\",\"conversationUrl\":\"https://app.example/c\"}";
    }

    private static String keyed(int n, String key) {
        return "{\"toUserId\":\"user-" + n + "\",\"fromName\":\"Host\",\"preview\":\"Room ready\",\"conversationUrl\":\"https://app.example/c\","
                + "\"idempotencyKey\":\"" + key + "\"}";
    }

    private static String stay(int n) {
        return "{\"userId\":\"user-" + n + "\",\"bookingId\":\"BK-" + n + "\",\"hotelName\":\"H\",\"city\":\"C\",\"checkIn\":\"2026-12-03\","
                + "\"nights\":1,\"guests\":1,\"total\":{\"amount\":10,\"currency\":\"EUR\"},\"manageUrl\":\"https://x.example\"}";
    }

    private static String review(int n) {
        return "{\"hostId\":\"user-0\",\"propertyId\":\"lake\",\"propertyName\":\"Lake\",\"reviewer\":\"guest\",\"rating\":5,\"title\":\"r" + n
                + "\",\"reviewsUrl\":\"https://app.example/r\"}";
    }

    /**
     * Runs one feature on a fresh herald local: the recipients first (not counted), then the events, then the clock
     * past every due time, until nothing is in flight.
     */
    private static Measured measure(Path templates, String feature, String type, IntFunction<String> detail, boolean quietHours) throws Exception {
        DrivenClock clock = new DrivenClock(START);
        if (quietHours) {
            clock.set(Instant.parse("2026-12-01T22:30:00Z"));
        }
        try (HeraldLocal local = HeraldLocal.start(LocalOptions.defaults(templates).withPort(0).withClock(clock))) {
            publish(local, "Recipient Upserted", EVENTS, n -> "{\"recipientId\":\"user-" + n + "\",\"locale\":\"en\",\"timeZone\":\"Europe/Paris\","
                    + "\"email\":\"user-" + n + "@example.com\"" + (quietHours ? ",\"quietHours\":{\"start\":\"22:00\",\"end\":\"07:00\"}" : "") + "}");
            settle(local);
            local.store().meterCapacity(true);
            AwsUsage before = local.usage();
            publish(local, type, EVENTS, detail);
            settle(local);
            int created = local.schedules().size();
            // past every due time: the reminders' (2 December, 00:00) and the escalations'; for quiet hours, their end
            // (07:00 in Paris), and not into the next night's, which would hold them again
            clock.set(Instant.parse(quietHours ? "2026-12-02T06:30:00Z" : "2026-12-03T00:00:00Z"));
            local.runDueSchedules();
            settle(local);
            // the scheduler's own tick may fire some first: what fired is what is no longer there
            int fired = created - local.schedules().size();
            AwsUsage after = local.usage();
            double writes = after.capacity().writeUnits() - before.capacity().writeUnits();
            double reads = after.capacity().readUnits() - before.capacity().readUnits();
            double sqs = after.sqsRequests() - before.sqsRequests();
            return new Measured(feature, writes / EVENTS, reads / EVENTS, sqs / EVENTS, (double) created / EVENTS, (double) fired / EVENTS);
        }
    }

    private static void publish(HeraldLocal local, String type, int count, IntFunction<String> detail) {
        try (EventBridgeClient events = local.client(EventBridgeClient.builder())) {
            for (int i = 0; i < count; i += 10) {
                List<PutEventsRequestEntry> batch = new ArrayList<>();
                for (int n = i; n < Math.min(count, i + 10); n++) {
                    batch.add(PutEventsRequestEntry.builder().eventBusName("herald").source("demo.app").detailType(type).detail(detail.apply(n)).build());
                }
                events.putEvents(r -> r.entries(batch));
            }
        }
    }

    private static void settle(HeraldLocal local) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        Thread.sleep(200);
        while (local.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}
