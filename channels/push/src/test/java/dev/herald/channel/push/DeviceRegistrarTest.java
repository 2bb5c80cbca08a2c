package dev.herald.channel.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceRegistrarTest {

    private PushFixture fx;
    private DeviceRegistrar registrar;

    @BeforeEach
    void setUp() throws Exception {
        fx = new PushFixture();
        registrar = new DeviceRegistrar(fx.sns, fx.recipients,
                Map.of(Platform.APNS, PushFixture.APNS_APP, Platform.GCM, PushFixture.GCM_APP), fx.clock);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void register_newDevice_createsAnEndpointAndStoresIt() {
        // when
        Device device = registrar.register("alice", "phone", Platform.APNS, "tok-1");

        // then
        assertThat(fx.calls()).containsExactly("CreatePlatformEndpoint", "GetEndpointAttributes");
        PushFixture.Endpoint endpoint = fx.find(device.endpointArn());
        assertThat(endpoint.application()).isEqualTo(PushFixture.APNS_APP);
        assertThat(endpoint.token()).isEqualTo("tok-1");
        assertThat(endpoint.customUserData()).isEqualTo("alice");
        assertThat(fx.recipients.devices("alice")).containsExactly(device);
        assertThat(device.enabled()).isTrue();
    }

    @Test
    void register_sameTokenAgain_changesNothing() {
        Device first = registrar.register("alice", "phone", Platform.APNS, "tok-1");

        Device again = registrar.register("alice", "phone", Platform.APNS, "tok-1");

        assertThat(again.endpointArn()).isEqualTo(first.endpointArn());
        assertThat(fx.calls()).containsExactly("CreatePlatformEndpoint", "GetEndpointAttributes", "GetEndpointAttributes");
        assertThat(fx.endpointCount()).isEqualTo(1);
    }

    @Test
    void register_changedToken_updatesTheEndpointWithSetEndpointAttributes() {
        // given
        Device first = registrar.register("alice", "phone", Platform.GCM, "tok-1");

        // when
        Device refreshed = registrar.register("alice", "phone", Platform.GCM, "tok-2");

        // then
        assertThat(refreshed.endpointArn()).isEqualTo(first.endpointArn());
        assertThat(fx.calls()).endsWith("GetEndpointAttributes", "SetEndpointAttributes");
        assertThat(fx.find(first.endpointArn()).token()).isEqualTo("tok-2");
        assertThat(fx.recipients.devices("alice").getFirst().token()).isEqualTo("tok-2");
    }

    @Test
    void register_afterSnsDisabledTheEndpoint_reEnablesItAndTheDevice() {
        // given a device whose endpoint SNS disabled, and that a push marked disabled
        Device first = registrar.register("alice", "phone", Platform.APNS, "tok-1");
        fx.disable(first.endpointArn());
        fx.recipients.disableDevice("alice", "phone");

        // when
        Device refreshed = registrar.register("alice", "phone", Platform.APNS, "tok-1");

        // then
        assertThat(fx.calls()).endsWith("GetEndpointAttributes", "SetEndpointAttributes");
        assertThat(fx.find(first.endpointArn()).enabled()).isTrue();
        assertThat(refreshed.enabled()).isTrue();
        assertThat(fx.recipients.devices("alice").getFirst().enabled()).isTrue();
    }

    @Test
    void register_whenTheEndpointWasDeleted_createsANewOne() {
        Device first = registrar.register("alice", "phone", Platform.APNS, "tok-1");
        fx.remove(first.endpointArn());

        Device again = registrar.register("alice", "phone", Platform.APNS, "tok-1");

        assertThat(again.endpointArn()).isNotEqualTo(first.endpointArn());
        assertThat(fx.find(again.endpointArn())).isNotNull();
        assertThat(fx.recipients.devices("alice")).containsExactly(again);
    }

    @Test
    void register_tokenThatAlreadyHasAnEndpointWithOtherAttributes_adoptsIt() {
        // given an endpoint SNS already holds for this token, created for someone else
        String existing = fx.endpoint(PushFixture.APNS_APP, "shared-token");
        fx.disable(existing);

        // when
        Device device = registrar.register("alice", "phone", Platform.APNS, "shared-token");

        // then
        assertThat(device.endpointArn()).isEqualTo(existing);
        assertThat(fx.find(existing).enabled()).isTrue();
        assertThat(fx.endpointCount()).isEqualTo(1);
    }

    @Test
    void register_platformWithoutApplication_saysWhichVariableToSet() {
        assertThatThrownBy(() -> registrar.register("alice", "phone", Platform.APNS_SANDBOX, "tok"))
                .isInstanceOf(DeviceRegistrationException.class)
                .hasMessageContaining("HERALD_SNS_APNS_SANDBOX_APPLICATION_ARN");
        assertThat(fx.recipients.devices("alice")).isEmpty();
    }

    @Test
    void register_blankToken_isRefused() {
        assertThatThrownBy(() -> registrar.register("alice", "phone", Platform.APNS, " "))
                .isInstanceOf(DeviceRegistrationException.class).hasMessageContaining("token");
    }

    @Test
    void register_tokenLastRegisteredByAnotherRecipient_movesTheEndpointAndRemovesTheirDevice() {
        // given: a phone registered for alice, then signed in to bob's account (same app, same token)
        Device alices = registrar.register("alice", "phone", Platform.GCM, "shared-token");

        // when
        Device bobs = registrar.register("bob", "phone-b", Platform.GCM, "shared-token");

        // then: one endpoint, now bob's; alice no longer has a device that reaches bob's phone
        assertThat(bobs.endpointArn()).isEqualTo(alices.endpointArn());
        assertThat(fx.find(bobs.endpointArn()).customUserData()).isEqualTo("bob");
        assertThat(fx.recipients.devices("alice")).isEmpty();
        assertThat(fx.recipients.devices("bob")).containsExactly(bobs);
        assertThat(fx.endpointCount()).isEqualTo(1);
    }

    @Test
    void register_sameTokenUnderANewDeviceId_replacesTheOldDeviceSoNoPushArrivesTwice() {
        // given: the app was reinstalled and reports a new device id with the same token
        registrar.register("alice", "install-1", Platform.APNS, "tok-1");

        // when
        Device current = registrar.register("alice", "install-2", Platform.APNS, "tok-1");

        // then
        assertThat(fx.recipients.devices("alice")).containsExactly(current);
        assertThat(fx.endpointCount()).isEqualTo(1);
    }

    @Test
    void register_switchToAPlatformWithoutApplication_keepsTheCurrentEndpoint() {
        // given
        Device phone = registrar.register("alice", "phone", Platform.APNS, "tok-1");

        // when / then
        assertThatThrownBy(() -> registrar.register("alice", "phone", Platform.APNS_SANDBOX, "tok-dev"))
                .isInstanceOf(DeviceRegistrationException.class);
        assertThat(fx.find(phone.endpointArn())).isNotNull();
        assertThat(fx.recipients.devices("alice")).containsExactly(phone);
    }

    @Test
    void unregister_knownDevice_deletesItsEndpointThenItsRecord() {
        // given
        Device phone = registrar.register("alice", "phone", Platform.APNS, "tok-1");

        // when
        boolean removed = registrar.unregister("alice", "phone");

        // then
        assertThat(removed).isTrue();
        assertThat(fx.find(phone.endpointArn())).isNull();
        assertThat(fx.recipients.devices("alice")).isEmpty();
    }

    @Test
    void unregister_unknownDevice_returnsFalseAndCallsNoSns() {
        assertThat(registrar.unregister("alice", "phone")).isFalse();
        assertThat(fx.calls()).isEmpty();
    }

    @Test
    void unregister_whenTheEndpointIsAlreadyGone_stillRemovesTheDevice() {
        Device phone = registrar.register("alice", "phone", Platform.APNS, "tok-1");
        fx.remove(phone.endpointArn());

        assertThat(registrar.unregister("alice", "phone")).isTrue();
        assertThat(fx.recipients.devices("alice")).isEmpty();
    }

    @Test
    void unregister_staleDeviceWhoseEndpointAnotherRecipientNowOwns_keepsTheirEndpoint() {
        // given: a device record left from before the endpoint moved to bob
        Device bobs = registrar.register("bob", "phone", Platform.GCM, "shared-token");
        fx.recipients.putDevice(new Device("alice", "old-phone", Platform.GCM, "shared-token", bobs.endpointArn(), true, fx.clock.instant()));

        // when
        registrar.unregister("alice", "old-phone");

        // then
        assertThat(fx.find(bobs.endpointArn())).isNotNull();
        assertThat(fx.recipients.devices("alice")).isEmpty();
        assertThat(fx.recipients.devices("bob")).containsExactly(bobs);
    }

    @Test
    void applicationArns_readsEachPlatformFromTheEnvironment() {
        HeraldConfig config = HeraldConfig.of(Map.of(HeraldEnv.SNS_APNS_APPLICATION_ARN, "a", HeraldEnv.SNS_GCM_APPLICATION_ARN, "g"));

        assertThat(DeviceRegistrar.applicationArns(config)).isEqualTo(Map.of(Platform.APNS, "a", Platform.GCM, "g"));
        assertThat(List.of(Platform.values())).hasSize(3);
    }
}
