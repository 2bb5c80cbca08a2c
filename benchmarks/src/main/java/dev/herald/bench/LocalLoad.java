package dev.herald.bench;

import dev.herald.local.HeraldLocal;
import java.time.Duration;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** What the benchmarks that drive herald local share: the events they publish, and waiting for it to go quiet. */
final class LocalLoad {

    private LocalLoad() {
    }

    static PutEventsRequestEntry entry(String source, String detailType, String detail) {
        return PutEventsRequestEntry.builder().eventBusName("herald").source(source).detailType(detailType).detail(detail).build();
    }

    /** A {@code Recipient Upserted} for {@code user-N}, in English, with the address {@code user-N@example.com}. */
    static PutEventsRequestEntry recipientWithAddress(int n) {
        return entry("crm.app", "Recipient Upserted", "{\"recipientId\":\"user-%d\",\"locale\":\"en\",\"email\":\"user-%d@example.com\"}".formatted(n, n));
    }

    /** A {@code booking.created} from {@code demo.app} for a user. */
    static PutEventsRequestEntry booking(String user, String bookingId) {
        return entry("demo.app", "booking.created", ("{\"userId\":\"%s\",\"bookingId\":\"%s\",\"hotelName\":\"Hotel Nord\",\"city\":\"Oslo\","
                + "\"checkIn\":\"2026-12-18\",\"nights\":2,\"guests\":1,\"total\":{\"amount\":10,\"currency\":\"EUR\"},"
                + "\"manageUrl\":\"https://x.example/b\"}").formatted(user, bookingId));
    }

    /** Waits until nothing has been in flight for {@code quiet}, at most {@code timeout}; false when it timed out. */
    static boolean awaitQuiet(HeraldLocal local, Duration quiet, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (local.inFlight() > 0) {
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > quiet.toNanos()) {
                return true;
            }
            sleep(20);
        }
        return false;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
