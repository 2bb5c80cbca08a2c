package dev.herald.channel.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.recipient.Device;
import dev.herald.recipient.ManagementEvents;
import dev.herald.recipient.Platform;
import dev.herald.recipient.RecipientProfile;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sns.model.SnsException;

/** Device management events through the real SNS client against a local SNS stand-in, and DynamoDB Local. */
class DeviceEventsHandlerTest {

    private PushFixture fx;
    private DeviceEventsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        fx = new PushFixture();
        // APNS_SANDBOX deliberately has no platform application here
        handler = new DeviceEventsHandler(new DeviceRegistrar(fx.sns, fx.recipients,
                Map.of(Platform.APNS, PushFixture.APNS_APP, Platform.GCM, PushFixture.GCM_APP), fx.clock));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static EventEnvelope event(String detailType, String detail) {
        return EventEnvelope.create("mobile.app", detailType, Json.parse(detail));
    }

    private static EventEnvelope registered(String recipientId, String deviceId, String platform, String token) {
        return event(ManagementEvents.DEVICE_REGISTERED, Json.write(Map.of("recipientId", recipientId, "deviceId", deviceId,
                "platform", platform, "token", token)));
    }

    @Test
    void handleRequest_deviceRegisteredEnvelope_createsTheEndpointAndStoresTheDevice() throws Exception {
        // given: the event as EventBridge delivers it to Lambda
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // when
        try (InputStream in = DeviceEventsHandlerTest.class.getResourceAsStream("/events/device-registered.json")) {
            handler.handleRequest(in, out, null);
        }

        // then
        JsonNode result = Json.parse(out.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(result.path("applied").asBoolean()).isTrue();
        assertThat(result.path("eventId").asText()).isEqualTo("0f1c2a4e-5d6b-4e7f-8a9b-0c1d2e3f4a5b");
        Device device = fx.recipients.devices("u-42").getFirst();
        assertThat(device.deviceId()).isEqualTo("iphone-7f3a");
        assertThat(device.platform()).isEqualTo(Platform.APNS);
        assertThat(device.enabled()).isTrue();
        PushFixture.Endpoint endpoint = fx.find(device.endpointArn());
        assertThat(endpoint.application()).isEqualTo(PushFixture.APNS_APP);
        assertThat(endpoint.token()).isEqualTo("740f4707bebcf74f9b7c25d48e3358945f6aa01da5ddb387462c7eaf61bb78ad");
        assertThat(endpoint.customUserData()).isEqualTo("u-42");
    }

    @Test
    void handle_sameRegistrationTwice_keepsOneEndpointAndOneDevice() {
        // when: EventBridge and Lambda deliver at least once
        handler.handle(registered("alice", "phone", "GCM", "fcm-1"));
        var again = handler.handle(registered("alice", "phone", "GCM", "fcm-1"));

        // then
        assertThat(again.applied()).isTrue();
        assertThat(fx.endpointCount()).isEqualTo(1);
        assertThat(fx.recipients.devices("alice")).hasSize(1);
    }

    @Test
    void handle_newTokenForAKnownDevice_updatesItsEndpoint() {
        // given
        handler.handle(registered("alice", "phone", "GCM", "fcm-1"));
        String arn = fx.recipients.devices("alice").getFirst().endpointArn();

        // when
        handler.handle(registered("alice", "phone", "GCM", "fcm-2"));

        // then
        assertThat(fx.find(arn).token()).isEqualTo("fcm-2");
        assertThat(fx.recipients.devices("alice")).singleElement().satisfies(d -> {
            assertThat(d.endpointArn()).isEqualTo(arn);
            assertThat(d.token()).isEqualTo("fcm-2");
        });
    }

    @Test
    void handle_deviceUnregistered_deletesTheEndpointAndTheDevice() {
        // given
        handler.handle(registered("alice", "phone", "APNS", "apns-1"));
        handler.handle(registered("alice", "tablet", "GCM", "fcm-1"));
        String phoneArn = fx.recipients.devices("alice").stream().filter(d -> d.deviceId().equals("phone")).findFirst().orElseThrow().endpointArn();

        // when
        var result = handler.handle(event(ManagementEvents.DEVICE_UNREGISTERED, "{\"recipientId\":\"alice\",\"deviceId\":\"phone\"}"));

        // then
        assertThat(result.applied()).isTrue();
        assertThat(fx.find(phoneArn)).isNull();
        assertThat(fx.calls()).contains("DeleteEndpoint");
        assertThat(fx.recipients.devices("alice")).extracting(Device::deviceId).containsExactly("tablet");
    }

    @Test
    void handle_deviceUnregisteredForAnUnknownDevice_isAppliedAndCallsNoSns() {
        // when: a repeated event, or a device Herald never registered
        var result = handler.handle(event(ManagementEvents.DEVICE_UNREGISTERED, "{\"recipientId\":\"alice\",\"deviceId\":\"phone\"}"));

        // then
        assertThat(result.applied()).isTrue();
        assertThat(fx.calls()).isEmpty();
    }

    @Test
    void handle_recipientDeleted_deletesEveryDevicesEndpointAndRecord_andLeavesTheRestToTheRecipientsFunction() {
        // given
        handler.handle(registered("alice", "phone", "APNS", "apns-1"));
        handler.handle(registered("alice", "tablet", "GCM", "fcm-1"));
        handler.handle(registered("bob", "phone", "GCM", "fcm-2"));
        fx.recipients.put(new RecipientProfile("alice", "en", null, "alice@example.com", null, Map.of(), null, null));
        String bobsEndpoint = fx.recipients.devices("bob").getFirst().endpointArn();

        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"alice\"}"));

        // then
        assertThat(result.applied()).isTrue();
        assertThat(fx.recipients.devices("alice")).isEmpty();
        assertThat(fx.endpointCount()).as("only bob's endpoint is left").isEqualTo(1);
        assertThat(fx.find(bobsEndpoint)).isNotNull();
        assertThat(fx.recipients.find("alice")).as("the recipients function deletes the profile").isPresent();
    }

    @Test
    void handle_recipientDeletedAgain_orWithoutDevices_isAppliedAndCallsNoSns() {
        // given
        handler.handle(registered("alice", "phone", "GCM", "fcm-1"));
        EventEnvelope deleted = event(ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"alice\"}");
        handler.handle(deleted);
        int callsBefore = fx.calls().size();

        // when
        var again = handler.handle(deleted);
        var nobody = handler.handle(event(ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"never-seen\"}"));

        // then
        assertThat(again.applied()).isTrue();
        assertThat(nobody.applied()).isTrue();
        assertThat(fx.calls()).hasSize(callsBefore);
    }

    @Test
    void handle_recipientDeleted_keepsAnEndpointAnotherRecipientRegisteredSince() {
        // given: a stale device record of alice's pointing at an endpoint that now names bob
        handler.handle(registered("bob", "phone", "GCM", "fcm-1"));
        String bobsEndpoint = fx.recipients.devices("bob").getFirst().endpointArn();
        fx.recipients.putDevice(new Device("alice", "old-phone", Platform.GCM, "fcm-1", bobsEndpoint, true, null));

        // when
        handler.handle(event(ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"alice\"}"));

        // then
        assertThat(fx.recipients.devices("alice")).isEmpty();
        assertThat(fx.find(bobsEndpoint)).isNotNull();
        assertThat(fx.recipients.devices("bob")).hasSize(1);
    }

    @Test
    void handle_recipientDeletedWhenSnsAnswers5xx_throwsAndKeepsTheDevices_andTheRetryRemovesThem() {
        // given
        handler.handle(registered("alice", "phone", "APNS", "apns-1"));
        handler.handle(registered("alice", "tablet", "GCM", "fcm-1"));
        fx.failAction("DeleteEndpoint", 500);
        EventEnvelope deleted = event(ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"alice\"}");

        // when / then
        assertThatThrownBy(() -> handler.handle(deleted)).isInstanceOf(SnsException.class);
        assertThat(fx.recipients.devices("alice")).as("every device still knows its endpoint for the retry").hasSize(2);

        // and when Lambda retries
        fx.heal();
        var retry = handler.handle(deleted);

        // then
        assertThat(retry.applied()).isTrue();
        assertThat(fx.recipients.devices("alice")).isEmpty();
        assertThat(fx.endpointCount()).isZero();
    }

    @Test
    void handle_recipientDeletedWithoutRecipientId_isRefused() {
        var result = handler.handle(event(ManagementEvents.RECIPIENT_DELETED, "{}"));

        assertThat(result.applied()).isFalse();
        assertThat(result.error()).isEqualTo("Recipient Deleted: detail.recipientId is required: a non-empty id without spaces or '#'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"recipientId", "deviceId", "token", "platform"})
    void handle_deviceRegisteredWithoutAField_isRefusedNamingItAndChangesNothing(String field) {
        // given
        var detail = Json.object().put("recipientId", "alice").put("deviceId", "phone").put("platform", "GCM").put("token", "fcm-1");
        detail.remove(field);

        // when
        var result = handler.handle(new EventEnvelope("0", "e-1", "mobile.app", ManagementEvents.DEVICE_REGISTERED, "1", java.time.Instant.now(),
                "eu-west-1", null, detail));

        // then
        assertThat(result.applied()).isFalse();
        assertThat(result.error()).startsWith("Device Registered: detail." + field + " is required");
        assertThat(fx.calls()).isEmpty();
        assertThat(fx.recipients.devices("alice")).isEmpty();
    }

    @Test
    void handle_unknownPlatform_isRefusedListingThePlatforms() {
        var result = handler.handle(registered("alice", "phone", "FCM", "fcm-1"));

        assertThat(result.applied()).isFalse();
        assertThat(result.error()).isEqualTo("Device Registered: detail.platform 'FCM' is not one of APNS, APNS_SANDBOX, GCM"
                + " (Firebase Cloud Messaging is GCM; the APNs development environment is APNS_SANDBOX)");
        assertThat(fx.calls()).isEmpty();
    }

    @Test
    void handle_platformWithoutApplication_isRefusedNamingTheVariable() {
        var result = handler.handle(registered("alice", "phone", "APNS_SANDBOX", "apns-dev-1"));

        assertThat(result.applied()).isFalse();
        assertThat(result.error()).contains("no SNS platform application is configured for APNS_SANDBOX")
                .contains("HERALD_SNS_APNS_SANDBOX_APPLICATION_ARN");
        assertThat(fx.calls()).isEmpty();
        assertThat(fx.recipients.devices("alice")).isEmpty();
    }

    @Test
    void handle_refusal_neverQuotesTheToken() {
        var result = handler.handle(registered("alice", "phone", "APNS_SANDBOX", "secret-device-token"));

        assertThat(result.error()).doesNotContain("secret-device-token");
    }

    @Test
    void handle_idWithSpaces_isRefused() {
        assertThat(handler.handle(registered("alice smith", "phone", "GCM", "fcm-1")).error())
                .isEqualTo("Device Registered: detail.recipientId is required: a non-empty id without spaces or '#'");
    }

    @Test
    void handle_otherDetailType_isRefused() {
        var result = handler.handle(event("Recipient Upserted", "{\"recipientId\":\"alice\"}"));

        assertThat(result.applied()).isFalse();
        assertThat(result.error()).contains("expected one of Device Registered, Device Unregistered, Recipient Deleted");
    }

    @Test
    void prime_readsTheStoreButCallsNoSnsAndStoresNothing() {
        // when
        handler.prime();

        // then
        assertThat(fx.calls()).isEmpty();
        assertThat(fx.recipients.devices(SnapStartPriming.PRIMING_ID)).isEmpty();
    }

    @Test
    void handle_whenSnsThrottles_throwsSoLambdaRetries_andTheRetryRegisters() {
        // given
        fx.failAction("CreatePlatformEndpoint", 429);

        // when / then
        assertThatThrownBy(() -> handler.handle(registered("alice", "phone", "GCM", "fcm-1")))
                .isInstanceOf(SnsException.class)
                .satisfies(e -> assertThat(((SnsException) e).statusCode()).isEqualTo(429));
        assertThat(fx.recipients.devices("alice")).isEmpty();

        // and when Lambda retries after the throttling is over
        fx.heal();
        var retry = handler.handle(registered("alice", "phone", "GCM", "fcm-1"));

        // then
        assertThat(retry.applied()).isTrue();
        assertThat(fx.recipients.devices("alice")).hasSize(1);
        assertThat(fx.endpointCount()).isEqualTo(1);
    }

    @Test
    void handle_unregisterWhenSnsAnswers5xx_throwsAndKeepsTheDeviceForTheRetry() {
        // given
        handler.handle(registered("alice", "phone", "GCM", "fcm-1"));
        fx.failAction("DeleteEndpoint", 500);
        EventEnvelope unregister = event(ManagementEvents.DEVICE_UNREGISTERED, "{\"recipientId\":\"alice\",\"deviceId\":\"phone\"}");

        // when / then
        assertThatThrownBy(() -> handler.handle(unregister)).isInstanceOf(SnsException.class);
        assertThat(fx.recipients.devices("alice")).hasSize(1);

        // and when Lambda retries
        fx.heal();
        handler.handle(unregister);

        // then
        assertThat(fx.recipients.devices("alice")).isEmpty();
        assertThat(fx.endpointCount()).isZero();
    }
}
