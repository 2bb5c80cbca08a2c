package dev.herald.channel.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.dispatch.DispatchResult;
import dev.herald.dispatch.TransientDispatchException;
import dev.herald.json.Json;
import dev.herald.observability.NotificationMetrics;
import dev.herald.queue.TokenBucket;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.templates.testing.TestTemplates;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PushChannelHandlerTest {

    private PushFixture fx;
    private PushChannelHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        fx = new PushFixture();
        handler = new PushChannelHandler(fx.recipients, fx.deliveries, fx.sns, TestTemplates.renderer(), NotificationMetrics.NONE,
                fx.aws.channelQueue("push", TokenBucket.unlimited(), Duration.ZERO, fx.progress));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void handle_publishesJsonStructuredMessageToEveryDevice() {
        // given
        Device phone = device("alice", "phone", Platform.APNS, PushFixture.APNS_APP);
        Device tablet = device("alice", "tablet", Platform.GCM, PushFixture.GCM_APP);
        Dispatch dispatch = dispatch(recipient("alice", "en", phone, tablet));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result).isEqualTo(new DispatchResult(1, 0, 0, 0, 0));
        assertThat(fx.published()).hasSize(2);
        PushFixture.Published toPhone = fx.publishedTo(phone.endpointArn()).getFirst();
        assertThat(toPhone.messageStructure()).isEqualTo("json");
        JsonNode message = Json.parse(toPhone.message());
        assertThat(message.get("default").asText()).isEqualTo("Hotel Nord from 2026-12-01");
        JsonNode apns = Json.parse(message.get("APNS").asText());
        assertThat(apns.at("/aps/alert/title").asText()).isEqualTo("Booking confirmed");
        assertThat(apns.at("/aps/alert/body").asText()).isEqualTo("Hotel Nord from 2026-12-01");
        assertThat(Json.parse(message.get("APNS_SANDBOX").asText())).isEqualTo(apns);
        JsonNode gcm = Json.parse(message.get("GCM").asText());
        assertThat(gcm.at("/notification/title").asText()).isEqualTo("Booking confirmed");
        assertThat(gcm.at("/data/id").asText()).isEqualTo(dispatch.notificationId() + "/booking.created");
        assertThat(fx.publishedTo(tablet.endpointArn()).getFirst().message()).isEqualTo(toPhone.message());
        assertThat(status(dispatch, "alice")).isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void handle_rendersTheRecipientsLocale() {
        Device phone = device("amelie", "phone", Platform.APNS, PushFixture.APNS_APP);
        Dispatch dispatch = dispatch(recipient("amelie", "fr-CA", phone));

        handler.deliver(dispatch);

        JsonNode apns = Json.parse(Json.parse(fx.published().getFirst().message()).get("APNS").asText());
        assertThat(apns.at("/aps/alert/title").asText()).isEqualTo("Réservation confirmée");
        assertThat(apns.at("/aps/alert/body").asText()).isEqualTo("Hotel Nord dès le 2026-12-01");
    }

    @Test
    void handle_withoutEnabledDevice_skipsWithNoDevice() {
        // given one device without endpoint and one disabled
        Device unregistered = new Device("bob", "d1", Platform.GCM, "tok", null, true, Instant.now());
        Device disabled = device("bob", "d2", Platform.GCM, PushFixture.GCM_APP).withEndpoint(null, false, Instant.now());
        Dispatch dispatch = dispatch(recipient("bob", "en", unregistered, disabled), recipient("carol", "en"));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result).isEqualTo(new DispatchResult(0, 0, 2, 0, 0));
        assertThat(fx.published()).isEmpty();
        Delivery bob = fx.deliveries.find(key(dispatch, "bob")).orElseThrow();
        assertThat(bob.status()).isEqualTo(DeliveryStatus.SKIPPED);
        assertThat(bob.reason()).isEqualTo(DeliveryReason.NO_DEVICE);
    }

    @Test
    void handle_whenOneEndpointIsDisabled_disablesThatDeviceAndStillSendsToTheOther() {
        // given
        Device phone = device("alice", "phone", Platform.APNS, PushFixture.APNS_APP);
        Device oldPhone = device("alice", "old-phone", Platform.APNS_SANDBOX, PushFixture.SANDBOX_APP);
        fx.disable(oldPhone.endpointArn());
        Dispatch dispatch = dispatch(recipient("alice", "en", oldPhone, phone));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result.sent()).isEqualTo(1);
        assertThat(fx.publishedTo(phone.endpointArn())).hasSize(1);
        assertThat(enabled("alice", "old-phone")).isFalse();
        assertThat(enabled("alice", "phone")).isTrue();
        assertThat(status(dispatch, "alice")).isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void handle_whenEveryEndpointIsDisabledOrGone_failsPermanentlyAndDisablesThem() {
        // given
        Device disabled = device("alice", "phone", Platform.APNS, PushFixture.APNS_APP);
        Device deleted = device("alice", "tablet", Platform.GCM, PushFixture.GCM_APP);
        fx.disable(disabled.endpointArn());
        fx.remove(deleted.endpointArn());
        Dispatch dispatch = dispatch(recipient("alice", "en", disabled, deleted));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result).isEqualTo(new DispatchResult(0, 0, 0, 1, 0));
        Delivery delivery = fx.deliveries.find(key(dispatch, "alice")).orElseThrow();
        assertThat(delivery.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(delivery.reason()).isEqualTo(DeliveryReason.ENDPOINT_DISABLED);
        assertThat(enabled("alice", "phone")).isFalse();
        assertThat(enabled("alice", "tablet")).isFalse();
    }

    @Test
    void handle_whenSnsThrottles_holdsTheRecipientBackAsThrottled_andTheLaterSendSendsOnce() {
        // given
        Device phone = device("alice", "phone", Platform.APNS, PushFixture.APNS_APP);
        Device other = device("dave", "phone", Platform.GCM, PushFixture.GCM_APP);
        fx.failWith(phone.endpointArn(), 429);
        Dispatch dispatch = dispatch(recipient("alice", "en", phone), recipient("dave", "en", other));

        // when
        DispatchResult result = handler.deliver(dispatch);

        // then
        assertThat(result.throttled()).extracting(DispatchRecipient::id).containsExactly("alice");
        Delivery throttled = fx.deliveries.find(key(dispatch, "alice")).orElseThrow();
        assertThat(throttled.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(throttled.reason()).isEqualTo(DeliveryReason.THROTTLED);
        assertThat(status(dispatch, "dave")).isEqualTo(DeliveryStatus.SENT);

        // and when Lambda retries after the throttling is over
        fx.heal();
        DispatchResult retry = handler.deliver(dispatch);

        // then
        assertThat(retry).isEqualTo(new DispatchResult(1, 0, 0, 0, 1));
        assertThat(fx.publishedTo(phone.endpointArn())).hasSize(1);
        assertThat(fx.publishedTo(other.endpointArn())).hasSize(1);
    }

    @Test
    void handle_whenSnsAnswers5xx_isTransient() {
        Device phone = device("alice", "phone", Platform.APNS, PushFixture.APNS_APP);
        fx.failWith(phone.endpointArn(), 500);
        Dispatch dispatch = dispatch(recipient("alice", "en", phone));

        assertThatThrownBy(() -> handler.deliver(dispatch)).isInstanceOf(TransientDispatchException.class);
        assertThat(status(dispatch, "alice")).isEqualTo(DeliveryStatus.PENDING);
        assertThat(enabled("alice", "phone")).isTrue();
    }

    @Test
    void handle_whenSnsRejectsTheMessage_failsAsRejectedWithoutDisablingTheDevice() {
        Device phone = device("alice", "phone", Platform.APNS, PushFixture.APNS_APP);
        fx.failWith(phone.endpointArn(), 400);
        Dispatch dispatch = dispatch(recipient("alice", "en", phone));

        DispatchResult result = handler.deliver(dispatch);

        assertThat(result.failed()).isEqualTo(1);
        assertThat(fx.deliveries.find(key(dispatch, "alice")).orElseThrow().reason()).isEqualTo(DeliveryReason.MESSAGE_REJECTED);
        assertThat(enabled("alice", "phone")).isTrue();
    }

    @Test
    void handle_whenDispatchIsRepeated_sendsOnlyOnce() {
        Device phone = device("alice", "phone", Platform.APNS, PushFixture.APNS_APP);
        Dispatch dispatch = dispatch(recipient("alice", "en", phone));
        handler.deliver(dispatch);

        DispatchResult again = handler.deliver(dispatch);

        assertThat(again.alreadyHandled()).isEqualTo(1);
        assertThat(fx.published()).hasSize(1);
    }

    @Test
    void handle_whenTypeHasNoPushTemplate_failsAsTemplateMissing() {
        Device phone = device("alice", "phone", Platform.APNS, PushFixture.APNS_APP);
        Dispatch dispatch = new Dispatch(UUID.randomUUID().toString(), TestTemplates.BARE, Channel.PUSH, Instant.now(), Json.object(),
                List.of(recipient("alice", "en", phone)));
        pending(dispatch);

        assertThat(handler.deliver(dispatch).failed()).isEqualTo(1);
        assertThat(fx.deliveries.find(key(dispatch, "alice")).orElseThrow().reason()).isEqualTo(DeliveryReason.TEMPLATE_MISSING);
        assertThat(fx.published()).isEmpty();
    }

    @Test
    void handle_dispatchForAnotherChannel_isRefusedWithoutTouchingItsDeliveries() {
        Dispatch email = new Dispatch(UUID.randomUUID().toString(), TestTemplates.BOOKING, Channel.EMAIL, Instant.now(), Json.object(),
                List.of(recipient("alice", "en")));
        pending(email);

        assertThatThrownBy(() -> handler.deliver(email)).hasMessageContaining("dispatch for channel 'email'");
        assertThat(fx.deliveries.find(email.keyFor(email.recipients().getFirst())).orElseThrow().status()).isEqualTo(DeliveryStatus.PENDING);
    }

    private Device device(String recipientId, String deviceId, Platform platform, String application) {
        String token = "token-" + UUID.randomUUID();
        Device device = new Device(recipientId, deviceId, platform, token, fx.endpoint(application, token), true, Instant.now());
        fx.recipients.putDevice(device);
        return device;
    }

    @Test
    void handle_rendersTheRecipientsOwnFieldsIntoTitleAndBody() {
        // given
        Device phone = device("alice", "phone", Platform.GCM, PushFixture.GCM_APP);
        Dispatch dispatch = new Dispatch(UUID.randomUUID().toString(), TestTemplates.WELCOME, Channel.PUSH, Instant.now(),
                Json.object().put("userId", "alice"), List.of(new DispatchRecipient("alice", "en", "UTC", "Alice", null, List.of(phone))));
        pending(dispatch);

        // when
        handler.deliver(dispatch);

        // then
        JsonNode gcm = Json.parse(Json.parse(fx.publishedTo(phone.endpointArn()).getFirst().message()).get("GCM").asText());
        assertThat(gcm.at("/notification/title").asText()).isEqualTo("Welcome, Alice");
        assertThat(gcm.at("/notification/body").asText()).isEqualTo("Hello Alice (en)");
    }

    private boolean enabled(String recipientId, String deviceId) {
        return fx.recipients.devices(recipientId).stream().filter(d -> d.deviceId().equals(deviceId)).findFirst().orElseThrow().enabled();
    }

    private Dispatch dispatch(DispatchRecipient... recipients) {
        var data = Json.object().put("hotel", "Hotel Nord").put("checkIn", "2026-12-01");
        Dispatch dispatch = new Dispatch(UUID.randomUUID().toString(), TestTemplates.BOOKING, Channel.PUSH, Instant.now(), data, List.of(recipients));
        pending(dispatch);
        return dispatch;
    }

    private void pending(Dispatch dispatch) {
        dispatch.recipients().forEach(r -> fx.deliveries.create(Delivery.pending(dispatch.keyFor(r), Instant.now(), null)));
    }

    private static DispatchRecipient recipient(String id, String locale, Device... devices) {
        return new DispatchRecipient(id, locale, "UTC", null, null, List.of(devices));
    }

    private DeliveryStatus status(Dispatch dispatch, String recipientId) {
        return fx.deliveries.find(key(dispatch, recipientId)).orElseThrow().status();
    }

    private static DeliveryKey key(Dispatch dispatch, String recipientId) {
        return new DeliveryKey(dispatch.notificationId(), dispatch.typeId(), Channel.PUSH, recipientId);
    }
}
