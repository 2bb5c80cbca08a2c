package dev.herald.channel.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import org.junit.jupiter.api.Test;

class PushMessageTest {

    @Test
    void of_buildsOnePayloadPerPlatform_eachAJsonString() {
        // when
        JsonNode message = Json.parse(PushMessage.of("Booking confirmed", "Hotel Nord \"Deluxe\"", "evt-1", "booking.created", "evt-1/booking.created"));

        // then
        assertThat(message.get("default").asText()).isEqualTo("Hotel Nord \"Deluxe\"");
        JsonNode apns = Json.parse(message.get("APNS").asText());
        assertThat(apns.at("/aps/alert/title").asText()).isEqualTo("Booking confirmed");
        assertThat(apns.at("/aps/alert/body").asText()).isEqualTo("Hotel Nord \"Deluxe\"");
        assertThat(apns.at("/herald/id").asText()).isEqualTo("evt-1/booking.created");
        assertThat(message.get("APNS_SANDBOX").asText()).isEqualTo(message.get("APNS").asText());
        JsonNode gcm = Json.parse(message.get("GCM").asText());
        assertThat(gcm.at("/notification/title").asText()).isEqualTo("Booking confirmed");
        assertThat(gcm.at("/notification/body").asText()).isEqualTo("Hotel Nord \"Deluxe\"");
        assertThat(gcm.at("/data/type").asText()).isEqualTo("booking.created");
        assertThat(gcm.at("/data/notificationId").asText()).isEqualTo("evt-1");
    }

    @Test
    void of_withoutTitle_leavesTitleOut() {
        JsonNode message = Json.parse(PushMessage.of(null, "body", "n", "t", "n/t"));

        assertThat(Json.parse(message.get("APNS").asText()).at("/aps/alert").has("title")).isFalse();
        assertThat(Json.parse(message.get("GCM").asText()).get("notification").has("title")).isFalse();
    }

    @Test
    void of_longTexts_areCutToFitPlatformLimits() {
        String message = PushMessage.of("t".repeat(500), "é".repeat(5000), "n", "t", "n/t");

        JsonNode apns = Json.parse(Json.parse(message).get("APNS").asText());
        assertThat(apns.at("/aps/alert/body").asText()).hasSize(PushMessage.MAX_BODY_CHARS).endsWith("…");
        assertThat(apns.at("/aps/alert/title").asText()).hasSize(PushMessage.MAX_TITLE_CHARS);
        assertThat(Json.parse(message).get("APNS").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(4096);
    }
}
