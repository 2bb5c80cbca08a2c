package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.json.Json;
import dev.herald.local.aws.Outbox;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/**
 * Device management events as apps send them: PutEvents with the real SDK, the bus's device rule, the devices
 * function, and its SNS calls to herald local's SNS stand-in; then notifications reach (or no longer reach) the device.
 */
class DeviceEventsTest {

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();

    private static String booking(String userId, String bookingId) {
        return "{\"userId\":\"" + userId + "\",\"bookingId\":\"" + bookingId + "\",\"hotelName\":\"Hotel Nord\",\"city\":\"Oslo\",\"checkIn\":\"2026-12-18\","
                + "\"nights\":2,\"guests\":1,\"total\":{\"amount\":300,\"currency\":\"NOK\"},\"manageUrl\":\"https://x.example/b\"}";
    }

    @Test
    void deviceRegistered_withSdk_thenABookingForThatUser_reachesTheSnsOutbox() throws Exception {
        // given
        LocalFixture.publish(local, "mobile.app", "Device Registered",
                "{\"recipientId\":\"user-dev\",\"deviceId\":\"pixel-8\",\"platform\":\"GCM\",\"token\":\"fcm-user-dev\"}");
        LocalFixture.await("the device registered", Duration.ofSeconds(10), () -> !local.recipients().devices("user-dev").isEmpty());
        Device device = local.recipients().devices("user-dev").getFirst();

        // when
        String eventId = LocalFixture.publish(local, "demo.app", "booking.created", booking("user-dev", "BK-D1"));

        // then
        LocalFixture.await("a push in the SNS outbox", Duration.ofSeconds(10), () -> local.outbox().pushes().stream()
                .anyMatch(p -> device.endpointArn().equals(p.targetArn())));
        Outbox.Push push = local.outbox().pushes().stream().filter(p -> device.endpointArn().equals(p.targetArn())).findFirst().orElseThrow();
        assertThat(push.platform()).isEqualTo("GCM");
        assertThat(push.recipient()).isEqualTo("user-dev");
        assertThat(push.messageStructure()).isEqualTo("json");
        JsonNode gcm = Json.parse(push.message().path("GCM").asText());
        assertThat(gcm.at("/notification/title").asText()).isEqualTo("Booking confirmed");
        assertThat(gcm.at("/data/notificationId").asText()).isEqualTo(eventId);
        assertThat(device.platform()).isEqualTo(Platform.GCM);
        LocalFixture.await("the push delivery SENT", Duration.ofSeconds(10), () -> local.deliveries().forNotification(eventId).stream()
                .anyMatch(d -> d.channel().id().equals("push") && d.status() == DeliveryStatus.SENT));
    }

    @Test
    void deviceUnregistered_deletesTheEndpoint_andTheNextBookingSkipsPushWithNoDevice() throws Exception {
        // given
        LocalFixture.publish(local, "mobile.app", "Device Registered",
                "{\"recipientId\":\"user-gone\",\"deviceId\":\"iphone\",\"platform\":\"APNS\",\"token\":\"apns-user-gone\"}");
        LocalFixture.await("the device registered", Duration.ofSeconds(10), () -> !local.recipients().devices("user-gone").isEmpty());
        String endpointArn = local.recipients().devices("user-gone").getFirst().endpointArn();

        // when
        LocalFixture.publish(local, "mobile.app", "Device Unregistered", "{\"recipientId\":\"user-gone\",\"deviceId\":\"iphone\"}");
        LocalFixture.await("the device removed", Duration.ofSeconds(10), () -> local.recipients().devices("user-gone").isEmpty());
        String eventId = LocalFixture.publish(local, "demo.app", "booking.created", booking("user-gone", "BK-D2"));

        // then
        try (SnsClient sns = local.client(SnsClient.builder())) {
            assertThatThrownBy(() -> sns.getEndpointAttributes(r -> r.endpointArn(endpointArn)))
                    .isInstanceOf(NotFoundException.class);
        }
        LocalFixture.await("the push delivery SKIPPED", Duration.ofSeconds(10), () -> local.deliveries().forNotification(eventId).stream()
                .anyMatch(d -> d.channel().id().equals("push") && d.status() == DeliveryStatus.SKIPPED));
        Delivery push = local.deliveries().forNotification(eventId).stream().filter(d -> d.channel().id().equals("push")).findFirst().orElseThrow();
        assertThat(push.reason()).isEqualTo(DeliveryReason.NO_DEVICE);
        assertThat(local.outbox().pushes()).noneMatch(p -> endpointArn.equals(p.targetArn()));
    }

    @Test
    void deviceRegistered_withUnknownPlatform_isRecordedAsRefusedWithTheReason_andNotRetried() throws Exception {
        // when
        String eventId = LocalFixture.publish(local, "mobile.app", "Device Registered",
                "{\"recipientId\":\"user-bad-device\",\"deviceId\":\"d1\",\"platform\":\"WINDOWS\",\"token\":\"t\"}");

        // then
        LocalFixture.await("the devices function done", Duration.ofSeconds(10), () -> statusOf(eventId).path("state").asText().equals("DONE"));
        JsonNode step = statusOf(eventId).path("event").path("steps").get(0);
        assertThat(step.path("target").asText()).isEqualTo(HeraldLocal.DEVICES);
        assertThat(step.path("attempts").asInt()).isEqualTo(1);
        assertThat(step.path("result").path("applied").asBoolean()).isFalse();
        assertThat(step.path("result").path("error").asText()).contains("detail.platform 'WINDOWS' is not one of APNS, APNS_SANDBOX, GCM");
        assertThat(local.recipients().devices("user-bad-device")).isEmpty();
    }

    private static JsonNode statusOf(String eventId) {
        try {
            return LocalFixture.json(LocalFixture.get(local, "/local/status/" + eventId).body());
        } catch (Exception e) {
            throw new AssertionError("GET /local/status/" + eventId + " failed", e);
        }
    }
}
