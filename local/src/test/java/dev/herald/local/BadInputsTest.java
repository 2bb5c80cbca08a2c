package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryStatus;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;

/** Each bad input gets a clear error, and the runtime keeps serving (checked after every test). */
class BadInputsTest {

    private static final String BOOKING = "{\"userId\":\"user-bad\",\"bookingId\":\"BK-9\",\"hotelName\":\"H\",\"city\":\"C\",\"checkIn\":\"2026-12-18\","
            + "\"nights\":1,\"guests\":1,\"total\":{\"amount\":1,\"currency\":\"EUR\"},\"manageUrl\":\"https://x.example\"}";

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();

    @AfterEach
    void runtimeStillServes() {
        String eventId = LocalFixture.publish(local, "demo.app", "booking.created", BOOKING);
        assertThat(eventId).isNotBlank();
    }

    @Test
    void putEvents_malformedBody_isRefusedWithSerializationException() throws Exception {
        // when
        var response = LocalFixture.putEventsRaw(local, "{\"Entries\": [oops");

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("__type").asText()).isEqualTo("SerializationException");
        assertThat(json(response.body()).path("message").asText()).contains("not valid JSON");
    }

    @Test
    void putEvents_detailNotAnObject_failsTheEntryWithMalformedDetail() {
        // when
        try (var events = LocalFixture.eventBridge(local)) {
            var response = events.putEvents(r -> r.entries(e -> e.source("demo.app").detailType("booking.created").detail("[1,2]")));

            // then
            assertThat(response.failedEntryCount()).isEqualTo(1);
            assertThat(response.entries().getFirst().errorCode()).isEqualTo("MalformedDetail");
        }
    }

    @Test
    void putEvents_unknownDetailType_isAcceptedAndRecordedAsUnmatched() throws Exception {
        // when
        String eventId = LocalFixture.publish(local, "demo.app", "booking.exploded", "{\"userId\":\"u1\"}");

        // then
        JsonNode status = json(LocalFixture.get(local, "/local/status/" + eventId).body());
        assertThat(status.path("state").asText()).isEqualTo("UNMATCHED");
        assertThat(status.path("event").path("note").asText()).contains("no rule matched detail-type 'booking.exploded'").contains("booking.created");
    }

    @Test
    void ingest_unknownDetailType_answersWithAWarning() throws Exception {
        // when
        var response = LocalFixture.post(local, "/events", "{\"Source\":\"demo.app\",\"DetailType\":\"nope\",\"Detail\":{}}", "x-api-key", local.apiKey());

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).path("Entries").get(0).path("Warning").asText()).contains("no rule matched detail-type 'nope'");
    }

    @Test
    void booking_missingRecipient_isRecordedAsFailedWithItsReason() throws Exception {
        // when
        String eventId = LocalFixture.publish(local, "demo.app", "booking.created", "{\"bookingId\":\"BK-no-user\"}");

        // then: a FAILED delivery for each type the event matched (the confirmation, and the check-in reminder)
        LocalFixture.await("two FAILED deliveries", Duration.ofSeconds(10), () -> local.deliveries().forNotification(eventId).size() == 2);
        List<Delivery> deliveries = local.deliveries().forNotification(eventId);
        assertThat(deliveries).extracting(Delivery::typeId).containsExactlyInAnyOrder("booking.created", "booking.checkin-reminder");
        assertThat(deliveries).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(d.recipientId()).isEqualTo("-");
            assertThat(d.reason()).startsWith("missing_recipient: detail.userId");
        });
    }

    @Test
    void putEvents_requestOverOneMebibyte_isRefusedWithValidationException() throws Exception {
        // given
        String big = "x".repeat(1024 * 1024 + 10);

        // when
        var response = LocalFixture.post(local, "/", "{\"Entries\":[{\"Source\":\"demo.app\",\"DetailType\":\"booking.created\",\"Detail\":\"{\\\"a\\\":\\\""
                + big + "\\\"}\"}]}", "X-Amz-Target", "AWSEvents.PutEvents", "Content-Type", "application/x-amz-json-1.1");

        // then
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json(response.body()).path("__type").asText()).isEqualTo("ValidationException");
        assertThat(json(response.body()).path("message").asText()).contains("1 MiB");
    }

    @Test
    void putEvents_entryOver256KB_failsTheEntry() {
        // given
        String detail = "{\"userId\":\"u1\",\"blob\":\"" + "y".repeat(300 * 1024) + "\"}";

        // when
        try (var events = LocalFixture.eventBridge(local)) {
            var response = events.putEvents(r -> r.entries(e -> e.source("demo.app").detailType("booking.created").detail(detail)));

            // then
            assertThat(response.entries().getFirst().errorCode()).isEqualTo("InvalidArgument");
            assertThat(response.entries().getFirst().errorMessage()).contains("256 KB");
        }
    }

    @Test
    void unsupportedOperation_getsAnErrorNamingIt() {
        try (var events = LocalFixture.eventBridge(local)) {
            assertThatThrownBy(() -> events.listRules(r -> r.eventBusName("herald")))
                    .isInstanceOf(EventBridgeException.class)
                    .hasMessageContaining("herald local does not support AWSEvents.ListRules");
        }
    }

    @Test
    void socket_badJson_getsAnErrorFrameAndStaysOpen() throws Exception {
        // given
        try (var client = LocalFixture.Client.connect(local, local.token("user-socket", Duration.ofMinutes(5)))) {
            // when
            client.send("{this is not json");

            // then
            assertThat(json(client.next()).path("error").asText()).isNotBlank();
            client.send("{\"action\":\"sync\"}");
            assertThat(json(client.next()).path("action").asText()).isEqualTo("sync");
        }
    }

    @Test
    void ingest_wrongApiKey_isForbidden() throws Exception {
        // when
        var response = LocalFixture.post(local, "/events", "{\"Source\":\"demo.app\",\"DetailType\":\"booking.created\",\"Detail\":{}}",
                "x-api-key", "wrong");

        // then
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json(response.body()).path("error").asText()).contains("wrong x-api-key");
    }

    @Test
    void connect_badToken_isRefusedWith401() {
        assertThatThrownBy(() -> LocalFixture.Client.connect(local, "not-a-jwt"))
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(401));
    }

    @Test
    void connect_expiredToken_isRefusedWith401() {
        // given
        String expired = dev.herald.channel.websocket.auth.Tokens.issue(secretOf(local), "user-old", null, null,
                java.time.Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1));

        // then
        assertThatThrownBy(() -> LocalFixture.Client.connect(local, expired))
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(401));
    }

    private static String secretOf(HeraldLocal local) {
        return local.secrets().jwtSecret();
    }
}
