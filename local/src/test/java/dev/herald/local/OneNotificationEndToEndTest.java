package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.recipient.RecipientProfile;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * One {@code booking.created} through every stage, in process: the catalog's rule on the bus, the enrichment
 * handler reading a French profile from DynamoDB Local, the processor writing delivery records, the websocket
 * channel posting with the real {@code ApiGatewayManagementApiClient} to the local {@code @connections} endpoint,
 * and the email channel rendering the French templates and sending with the real {@code SesV2Client} to the local
 * SES endpoint. The same event (same id) is then delivered again, as EventBridge may, and nothing is sent twice.
 */
class OneNotificationEndToEndTest {

    private static final String USER = "user-fr";
    private static final String ADDRESS = "camille@example.com";

    /** A herald local of each test's own, closed after it. */
    @AutoClose
    private final HeraldLocal local = LocalFixture.start();

    @Test
    void bookingCreated_forFrenchRecipient_reachesSocketAndInboxOnceAndEmailsInFrench() throws Exception {
        // given: a French recipient with an address and no phone, holding one live socket
        local.recipients().put(new RecipientProfile(USER, "fr", "Europe/Paris", ADDRESS, "Camille Martin", Map.of(), null, Instant.now()));
        EventEnvelope event = new EventEnvelope("0", "3f1c2b7e-0000-4000-8000-000000000042", "demo.app", "booking.created", "123456789012",
                Instant.now().truncatedTo(ChronoUnit.MILLIS), "eu-west-1", List.of(), Json.parse("""
                        {"userId":"user-fr","bookingId":"BK-2026-0042","hotelName":"Hôtel du Lac","city":"Annecy","checkIn":"2026-12-18",
                         "nights":3,"guests":2,"total":{"amount":612.5,"currency":"EUR"},"manageUrl":"https://app.example/b/42"}"""));

        try (var socket = LocalFixture.Client.connect(local, local.token(USER, Duration.ofMinutes(5)))) {
            // when
            // the confirmation, and the check-in reminder, which waits for the day before check-in
            assertThat(local.bus().put(event, "test")).containsExactly("booking.created", "booking.checkin-reminder");

            // then: the frame the browser receives
            JsonNode frame = json(socket.nextItem());
            assertThat(frame.get("id").asText()).isEqualTo(event.id() + "/booking.created");
            assertThat(frame.get("type").asText()).isEqualTo("booking.created");
            assertThat(frame.get("title").asText()).isEqualTo("Réservation confirmée");
            assertThat(frame.get("body").asText()).contains("Hôtel du Lac").contains("3 nuits").contains("612,50");
            assertThat(frame.get("data").get("bookingId").asText()).isEqualTo("BK-2026-0042");
            assertThat(Instant.parse(frame.get("createdAt").asText())).isBefore(Instant.now().plusSeconds(1));

            // then: the email, rendered in French and sent through the configuration set
            LocalFixture.await("the email in the outbox", Duration.ofSeconds(10), () -> !local.outbox().emails().isEmpty());
            var email = local.outbox().emails().getFirst();
            assertThat(email.to()).containsExactly(ADDRESS);
            assertThat(email.subject()).startsWith("Réservation confirmée : Hôtel du Lac");
            assertThat(email.html()).contains("<html lang=\"fr\"").contains("Bonjour Camille Martin").contains("Hôtel du Lac");
            assertThat(email.text()).contains("Gérer ma réservation : https://app.example/b/42");
            assertThat(email.configurationSet()).isEqualTo(HeraldLocal.SES_CONFIGURATION_SET);

            // then: every delivery record in its final state
            awaitFinalStates(event.id());
            // SES reports the email delivered a moment after the send, as its configuration set's events do
            LocalFixture.await("the email delivered", Duration.ofSeconds(10),
                    () -> deliveriesByChannel(event.id()).get(Channel.EMAIL).status() == DeliveryStatus.DELIVERED);
            Map<Channel, Delivery> first = deliveriesByChannel(event.id());
            assertThat(first.get(Channel.WEBSOCKET).status()).isEqualTo(DeliveryStatus.SENT);
            assertThat(first.get(Channel.PUSH).status()).isEqualTo(DeliveryStatus.SKIPPED);
            assertThat(first.get(Channel.PUSH).reason()).isEqualTo(DeliveryReason.NO_DEVICE);

            // when: EventBridge delivers the same event again
            local.bus().put(event, "test");
            LocalFixture.await("the repeat to be handled", Duration.ofSeconds(10), () -> local.inFlight() == 0);

            // then: nothing is sent twice and no record changes
            assertThat(socket.pollItem(500)).as("a second item").isNull();
            assertThat(local.outbox().emails()).hasSize(1);
            assertThat(deliveriesByChannel(event.id())).isEqualTo(first);
        }
    }

    private Map<Channel, Delivery> awaitFinalStates(String eventId) throws InterruptedException {
        LocalFixture.await("three final deliveries", Duration.ofSeconds(10), () -> {
            Map<Channel, Delivery> byChannel = deliveriesByChannel(eventId);
            return byChannel.size() == 3 && byChannel.values().stream().allMatch(d -> d.status().isFinal());
        });
        return deliveriesByChannel(eventId);
    }

    private Map<Channel, Delivery> deliveriesByChannel(String eventId) {
        Map<Channel, Delivery> byChannel = new TreeMap<>();
        local.deliveries().forNotification(eventId).forEach(d -> byChannel.put(d.channel(), d));
        return byChannel;
    }
}
