package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Inputs that can never be stored or delivered, end to end through herald local's ingest: each is recorded once as
 * FAILED with its reason, and nothing is retried, dead-lettered or sent. A topic too large for the hand-off to the
 * processor is refused and counted for the alarm, never handed over to be dropped.
 */
class OversizedInputsTest {

    private static final Path TEMPLATES = TopicAudience.templatesWithATopicType();

    @AutoClose
    private static final HeraldLocal local = HeraldLocal.start(LocalOptions.defaults(TEMPLATES).withPort(0)
            .withRetries(LocalFixture.options().retries()));

    @Test
    void userIdOf10000Characters_isRecordedOnceAsInvalidEvent() throws Exception {
        // when
        // user.signup: the one type its detail-type matches, so the event's outcome is one record
        String eventId = ingest("user.signup", Map.of("userId", "u".repeat(10_000), "plan", "Pro"));

        // then
        assertRefusedOnce(eventId, "invalid_event: detail.userId: recipient id is 10000 bytes; at most 256 bytes (UTF-8) fit Herald's keys");
    }

    @Test
    void userIdArrayOf5000_isRefusedWhole() throws Exception {
        // when
        String eventId = ingest("user.signup", Map.of("userId", ids(5000, "user-"), "plan", "Pro"));

        // then
        assertRefusedOnce(eventId, "too_many_recipients: detail.userId names 5000 recipients; type user.signup takes at most 50");
    }

    @Test
    void emailSendTo5000Addresses_isRefusedWholeAndSendsNoEmail() throws Exception {
        // given
        List<String> to = IntStream.range(0, 5000).mapToObj(i -> "guest" + i + "@example.com").toList();

        // when
        String eventId = ingest("email.send", Map.of("to", to, "subject", "Hello", "message", "Hi"));

        // then
        assertRefusedOnce(eventId, "too_many_recipients: detail.to names 5000 recipients; type email.send takes at most 10");
    }

    /** Publishes through herald local's ingest API (POST /events with the API key) and returns the event id. */
    private static String ingest(String type, Map<String, Object> detail) throws Exception {
        String body = Json.write(Map.of("Source", "demo.app", "DetailType", type, "Detail", detail));
        var response = LocalFixture.post(local, "/events", body, "x-api-key", local.apiKey(), "Content-Type", "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String eventId = json(response.body()).path("Entries").get(0).path("EventId").asText();
        assertThat(eventId).as(response.body()).isNotBlank();
        return eventId;
    }

    /**
     * The event ends as one FAILED delivery with the reason, under the placeholder recipient; enrichment and the
     * processor each ran once and succeeded; no dead letter; no email, push or frame went out.
     */
    private static void assertRefusedOnce(String eventId, String reasonPrefix) throws Exception {
        long emails = local.outbox().emailsSent();
        long pushes = local.outbox().pushesSent();
        LocalFixture.await("the event's recorded outcome", Duration.ofSeconds(30), () -> !local.deliveries().forNotification(eventId).isEmpty()
                && "DONE".equals(status(eventId).path("state").asText()));
        List<Delivery> deliveries = local.deliveries().forNotification(eventId);
        assertThat(deliveries).singleElement().satisfies(d -> {
            assertThat(d.recipientId()).isEqualTo("-");
            assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(d.reason()).startsWith(reasonPrefix);
        });
        JsonNode steps = status(eventId).path("event").path("steps");
        assertThat(steps.findValuesAsText("target")).containsExactly(HeraldLocal.ENRICHMENT, HeraldLocal.PROCESSOR);
        steps.forEach(step -> {
            assertThat(step.path("status").asText()).as(step.toString()).isEqualTo("SUCCEEDED");
            assertThat(step.path("attempts").asInt()).as("attempts of " + step.path("target").asText()).isEqualTo(1);
        });
        JsonNode dlq = json(LocalFixture.get(local, "/local/dlq").body());
        assertThat(dlq.findValuesAsText("eventId")).doesNotContain(eventId);
        assertThat(local.outbox().emailsSent()).isEqualTo(emails);
        assertThat(local.outbox().pushesSent()).isEqualTo(pushes);
    }

    private static JsonNode status(String eventId) {
        try {
            return json(LocalFixture.get(local, "/local/status/" + eventId).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> ids(int count, String prefix) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    /** The shipped templates plus a topic type, news.published, whose templates are booking.created's. */
}
