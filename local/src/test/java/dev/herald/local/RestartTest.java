package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.local.bus.RetryPolicy;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.recipient.RecipientProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sns.SnsClient;

/** --data: a restart finds the deliveries, recipients, devices, topics, dead letters and secrets again, and resumes what it interrupted. */
class RestartTest {

    private static final String BOOKING = "{\"userId\":\"user-i\",\"bookingId\":\"BK-r\",\"hotelName\":\"H\",\"city\":\"C\","
            + "\"checkIn\":\"2026-12-18\",\"nights\":2,\"guests\":1,\"total\":{\"amount\":10,\"currency\":\"EUR\"},\"manageUrl\":\"https://x.example\"}";

    @TempDir
    Path data;

    @Test
    void restart_withSameData_keepsDeliveriesRecipientsDevicesTopicsAndSecrets() throws Exception {
        // given: a first run records a recipient, a topic membership, a device and a delivery
        String eventId;
        String endpointArn;
        String token;
        String apiKey;
        try (HeraldLocal first = HeraldLocal.start(LocalFixture.options().withDataDir(data))) {
            LocalFixture.publish(first, "demo.app", "Recipient Upserted",
                    "{\"recipientId\":\"user-r\",\"locale\":\"fr-CA\",\"timeZone\":\"America/Toronto\",\"email\":\"r@example.com\"}");
            LocalFixture.publish(first, "demo.app", "Topic Subscribed", "{\"recipientId\":\"user-r\",\"topic\":\"hotel-7\"}");
            LocalFixture.publish(first, "mobile.app", "Device Registered",
                    "{\"recipientId\":\"user-r\",\"deviceId\":\"phone-1\",\"platform\":\"GCM\",\"token\":\"fcm-token\"}");
            LocalFixture.await("profile, topic and device", Duration.ofSeconds(10), () -> first.recipients().find("user-r").isPresent()
                    && !first.recipients().members("hotel-7", null, 10).isEmpty() && !first.recipients().devices("user-r").isEmpty());
            endpointArn = first.recipients().devices("user-r").getFirst().endpointArn();
            eventId = LocalFixture.publish(first, "demo.app", "booking.created", BOOKING.replace("user-i", "user-r"));
            String id = eventId;
            LocalFixture.await("deliveries recorded", Duration.ofSeconds(10), () -> first.deliveries().forNotification(id).stream()
                    .noneMatch(d -> d.status() == DeliveryStatus.SENDING) && !first.deliveries().forNotification(id).isEmpty()
                    && first.inFlight() == 0);
            token = first.token("user-r", Duration.ofMinutes(5));
            apiKey = first.apiKey();
        }

        // when
        try (HeraldLocal second = HeraldLocal.start(LocalFixture.options().withDataDir(data))) {
            // then
            assertThat(second.deliveries().forNotification(eventId)).isNotEmpty();
            assertThat(second.recipients().find("user-r")).hasValueSatisfying(p -> assertThat(p.locale()).isEqualTo("fr-CA"));
            assertThat(second.recipients().members("hotel-7", null, 10)).containsExactly("user-r");
            assertThat(second.recipients().devices("user-r")).singleElement().satisfies(d -> {
                assertThat(d.endpointArn()).isEqualTo(endpointArn);
                assertThat(d.platform()).isEqualTo(Platform.GCM);
                assertThat(d.enabled()).isTrue();
            });
            try (SnsClient sns = second.client(SnsClient.builder())) {
                assertThat(sns.getEndpointAttributes(r -> r.endpointArn(endpointArn)).attributes())
                        .containsEntry("Token", "fcm-token").containsEntry("CustomUserData", "user-r");
            }
            // the same registration after the restart finds the kept endpoint: no second one
            String again = LocalFixture.publish(second, "mobile.app", "Device Registered",
                    "{\"recipientId\":\"user-r\",\"deviceId\":\"phone-1\",\"platform\":\"GCM\",\"token\":\"fcm-token\"}");
            LocalFixture.await("the repeated registration handled", Duration.ofSeconds(10), () -> second.events().find(again)
                    .filter(e -> "DONE".equals(e.state())).isPresent());
            assertThat(second.recipients().devices("user-r")).extracting(Device::endpointArn).containsExactly(endpointArn);
            assertThat(second.apiKey()).isEqualTo(apiKey);
            try (var client = LocalFixture.Client.connect(second, token)) {
                client.send("{\"action\":\"sync\"}");
                assertThat(LocalFixture.json(client.next()).path("action").asText()).isEqualTo("sync");
            }
        }
    }

    @Test
    void restart_whileAnInvocationWaitsForItsRetry_runsItAgainAndSendsOnce() throws Exception {
        // given: a first run whose email dispatch failed on SES errors and waits a minute for its retry when it stops
        String eventId;
        try (HeraldLocal first = HeraldLocal.start(LocalFixture.options().withDataDir(data).withRetries(RetryPolicy.ofMillis(60_000)))) {
            first.recipients().put(new RecipientProfile("user-i", "en", null, "i@example.com", null, Map.of(), null, null));
            first.faults().add("ses", "5xx", 10); // more than the SDK's own retries
            eventId = LocalFixture.publish(first, "demo.app", "booking.created", BOOKING);
            String id = eventId;
            LocalFixture.await("the email invocation waiting for its retry", Duration.ofSeconds(10), () -> first.events().find(id)
                    .map(e -> e.steps().stream().anyMatch(s -> s.target().equals(HeraldLocal.CHANNEL_FUNCTIONS.get(Channel.EMAIL))
                            && s.status().equals("RETRYING"))).orElse(false));
            assertThat(first.outbox().emails()).isEmpty();
        }

        // when
        try (HeraldLocal second = HeraldLocal.start(LocalFixture.options().withDataDir(data))) {
            // then: the dispatch, kept over the stop, is queued again at start, and the email goes out once
            String id = eventId;
            LocalFixture.await("the email sent after the restart", Duration.ofSeconds(10), () -> second.deliveries().forNotification(id).stream()
                    .anyMatch(d -> d.channel() == Channel.EMAIL && DeliveryStatus.WENT_OUT.contains(d.status())));
            assertThat(second.outbox().emails()).singleElement().satisfies(email -> assertThat(email.to()).containsExactly("i@example.com"));
            assertThat(second.deadLetters().list()).as("nothing left in the DLQ").isEmpty();
            assertThat(second.deliveries().forNotification(id)).filteredOn(d -> d.typeId().equals("booking.created")).hasSize(3);
        }
    }
}
