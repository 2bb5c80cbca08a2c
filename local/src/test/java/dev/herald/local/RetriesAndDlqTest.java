package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Channel;
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
    void failingChannel_retriesThenGoesToItsQueuesDlq_andAQueueRedriveDelivers() throws Exception {
        try (var client = LocalFixture.Client.connect(local, local.token("user-dlq", Duration.ofMinutes(5)))) {
            // given: every PostToConnection fails with a server error (the SDK's own retries included) until the faults are cleared
            local.faults().add("connections", "5xx", 1000);

            // when
            String eventId = LocalFixture.publish(local, "demo.app", "booking.created", BOOKING);

            // then: received three times (maxReceiveCount), then moved to herald-websocket-dlq by SQS
            LocalFixture.await("a message in the WebSocket channel's DLQ", Duration.ofSeconds(30), () -> dlqDepth("herald-websocket") == 1);
            assertThat(json(LocalFixture.get(local, "/local/status/" + eventId).body()).path("state").asText()).isEqualTo("FAILED");
            assertThat(local.deliveries().forNotification(eventId)).filteredOn(d -> d.recipientId().equals("user-dlq"))
                    .filteredOn(d -> d.channel() == Channel.WEBSOCKET && d.typeId().equals("booking.created")).singleElement()
                    .satisfies(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING));

            // when: redriven with StartMessageMoveTask, as the console's "Start DLQ redrive" does
            local.faults().clear();
            var redriven = LocalFixture.post(local, "/local/queues/redrive", "{\"queue\":\"herald-websocket\"}", "Content-Type", "application/json");

            // then
            assertThat(redriven.statusCode()).isEqualTo(200);
            assertThat(json(redriven.body()).path("redriven").get(0).path("messages").asInt()).isEqualTo(1);
            assertThat(client.next()).contains("Hôtel Retry");
            LocalFixture.await("delivery SENT", Duration.ofSeconds(10), () -> local.deliveries().forNotification(eventId).stream()
                    .anyMatch(d -> d.status() == DeliveryStatus.SENT));
            assertThat(dlqDepth("herald-websocket")).isZero();
        }
    }

    @Test
    void queueRedrive_ofAnUnknownQueue_is404() throws Exception {
        var response = LocalFixture.post(local, "/local/queues/redrive", "{\"queue\":\"nope\"}", "Content-Type", "application/json");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).path("error").asText()).contains("no queue nope");
    }

    private static long dlqDepth(String queue) {
        return local.queueDepths().stream().filter(d -> d.queue().equals(queue + "-dlq")).mapToLong(d -> d.total()).sum();
    }

    @Test
    void redrive_unknownId_is404() throws Exception {
        var response = LocalFixture.post(local, "/local/dlq/redrive", "{\"id\":\"nope\"}", "Content-Type", "application/json");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response.body()).path("error").asText()).contains("no dead letter nope");
    }
}
