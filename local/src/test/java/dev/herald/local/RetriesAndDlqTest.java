package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.delivery.DeliveryStatus;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Lambda's async semantics: retried twice with backoff, then dead-lettered; redrive delivers. */
class RetriesAndDlqTest {

    private static final String BOOKING = "{\"userId\":\"user-dlq\",\"bookingId\":\"BK-7\",\"hotelName\":\"Hôtel Retry\",\"city\":\"C\","
            + "\"checkIn\":\"2026-12-18\",\"nights\":1,\"guests\":1,\"total\":{\"amount\":1,\"currency\":\"EUR\"},\"manageUrl\":\"https://x.example\"}";

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();

    @Test
    void throttledChannel_retriesThenDeadLetters_andRedriveDelivers() throws Exception {
        try (var client = LocalFixture.Client.connect(local, local.token("user-dlq", Duration.ofMinutes(5)))) {
            // given: every PostToConnection is throttled (the SDK's own retries included) until the faults are cleared
            local.faults().add("connections", "throttle", 1000);

            // when
            String eventId = LocalFixture.publish(local, "demo.app", "booking.created", BOOKING);

            // then
            LocalFixture.await("a dead letter", Duration.ofSeconds(10), () -> !local.deadLetters().list().isEmpty());
            var letter = local.deadLetters().list().getFirst();
            assertThat(letter.target()).isEqualTo("herald-websocket");
            assertThat(letter.attempts()).isEqualTo(3);
            assertThat(letter.eventId()).isEqualTo(eventId);
            assertThat(json(LocalFixture.get(local, "/local/status/" + eventId).body()).path("state").asText()).isEqualTo("FAILED");

            // when
            local.faults().clear();
            var redriven = LocalFixture.post(local, "/local/dlq/redrive", "{\"id\":\"" + letter.id() + "\"}", "Content-Type", "application/json");

            // then
            assertThat(redriven.statusCode()).isEqualTo(200);
            assertThat(client.next()).contains("Hôtel Retry");
            LocalFixture.await("delivery SENT", Duration.ofSeconds(10), () -> local.deliveries().forNotification(eventId).stream()
                    .anyMatch(d -> d.status() == DeliveryStatus.SENT));
            assertThat(local.deadLetters().list()).isEmpty();
        }
    }

    @Test
    void redrive_unknownId_is404() throws Exception {
        var response = LocalFixture.post(local, "/local/dlq/redrive", "{\"id\":\"nope\"}", "Content-Type", "application/json");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).path("error").asText()).contains("no dead letter nope");
    }
}
