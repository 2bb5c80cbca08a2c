package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The whole flow through the real handlers: PutEvents with the SDK to a WebSocket client holding a herald token. */
class EndToEndTest {

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();

    @Test
    void putEvents_withSdk_reachesWebSocketClientThatConnectedWithToken() throws Exception {
        // given
        try (var client = LocalFixture.Client.connect(local, local.token("user-e2e", Duration.ofMinutes(5)))) {
            // when
            String eventId = LocalFixture.publish(local, "demo.app", "booking.created",
                    "{\"userId\":\"user-e2e\",\"bookingId\":\"BK-1\",\"hotelName\":\"Hôtel du Lac\",\"city\":\"Annecy\",\"checkIn\":\"2026-12-18\","
                            + "\"nights\":3,\"guests\":2,\"total\":{\"amount\":612.5,\"currency\":\"EUR\"},\"manageUrl\":\"https://x.example/b\"}");

            // then
            JsonNode frame = json(client.next());
            assertThat(frame.toString()).contains(eventId).contains("Hôtel du Lac");
            LocalFixture.await("websocket delivery SENT", Duration.ofSeconds(10), () -> local.deliveries().forNotification(eventId).stream()
                    .anyMatch(d -> d.channel().id().equals("websocket") && d.status().name().equals("SENT")));
            // the deliveries table's stream publishes a Delivery Status event on the bus, as in the cloud
            LocalFixture.await("a Delivery Status event", Duration.ofSeconds(10), () -> local.events().recent(100).stream().anyMatch(e ->
                    "herald".equals(e.source()) && "Delivery Status".equals(e.detailType()) && "PUBLISHED".equals(e.state())));
        }
    }

    @Test
    void booking_forRecipientWithProfileAndDevice_sendsInAppPushAndLocalizedEmail() throws Exception {
        // given: a French-Canadian recipient with an email address and a phone registered by its app
        LocalFixture.publish(local, "demo.app", "Recipient Upserted",
                "{\"recipientId\":\"user-all\",\"locale\":\"fr-CA\",\"timeZone\":\"America/Montreal\",\"email\":\"all@example.com\",\"displayName\":\"Ana\"}");
        LocalFixture.publish(local, "mobile.app", "Device Registered",
                "{\"recipientId\":\"user-all\",\"deviceId\":\"phone\",\"platform\":\"GCM\",\"token\":\"fcm-all\"}");
        LocalFixture.await("the profile and the device", Duration.ofSeconds(10), () -> local.recipients().find("user-all").isPresent()
                && !local.recipients().devices("user-all").isEmpty());
        String arn = local.recipients().devices("user-all").getFirst().endpointArn();

        // when
        String eventId = LocalFixture.publish(local, "demo.app", "booking.created",
                "{\"userId\":\"user-all\",\"bookingId\":\"BK-2\",\"hotelName\":\"Château Frontenac\",\"city\":\"Québec\",\"checkIn\":\"2026-12-18\","
                        + "\"nights\":2,\"guests\":2,\"total\":{\"amount\":800,\"currency\":\"CAD\"},\"manageUrl\":\"https://x.example/b\"}");

        // then
        LocalFixture.await("push and email in the outbox", Duration.ofSeconds(15), () ->
                local.outbox().pushes().stream().anyMatch(p -> arn.equals(p.targetArn()))
                        && local.outbox().emails().stream().anyMatch(e -> e.to().contains("all@example.com")));
        var email = local.outbox().emails().stream().filter(e -> e.to().contains("all@example.com")).findFirst().orElseThrow();
        assertThat(email.html()).contains("Château Frontenac");
        assertThat(email.configurationSet()).isEqualTo(HeraldLocal.SES_CONFIGURATION_SET);
        // push and email are sent; with no live socket the in-app item waits in the inbox for the next sync
        LocalFixture.await("push and email SENT, in-app waiting", Duration.ofSeconds(10), () -> {
            var byChannel = new java.util.HashMap<String, dev.herald.delivery.Delivery>();
            local.deliveries().forNotification(eventId).stream().filter(d -> d.typeId().equals("booking.created"))
                    .forEach(d -> byChannel.put(d.channel().id(), d));
            return byChannel.size() == 3
                    && byChannel.get("push").status() == dev.herald.delivery.DeliveryStatus.SENT
                    && dev.herald.delivery.DeliveryStatus.WENT_OUT.contains(byChannel.get("email").status())
                    && byChannel.get("websocket").status() == dev.herald.delivery.DeliveryStatus.PENDING;
        });
    }
}
