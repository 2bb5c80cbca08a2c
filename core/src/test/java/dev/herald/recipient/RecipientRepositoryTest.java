package dev.herald.recipient;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Channel;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecipientRepositoryTest {

    private RecipientRepository recipients;

    @BeforeEach
    void freshTables() {
        recipients = new RecipientRepository(LocalDynamo.client(), LocalDynamo.freshTables().recipients(), Clock.systemUTC());
    }

    @Test
    void load_profileDevicesAndTopics_comeBackTogether() {
        // given
        RecipientProfile profile = new RecipientProfile("u1", "fr", "Europe/Paris", "u1@example.com", "Camille",
                Map.of("bookings", Set.of(Channel.PUSH)), new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)), Instant.parse("2026-01-01T00:00:00Z"));
        recipients.put(profile);
        recipients.putDevice(new Device("u1", "phone", Platform.GCM, "tok", "arn:aws:sns:endpoint/1", true, null));
        recipients.subscribe("news", "u1");

        // when
        Recipient loaded = recipients.load("u1");

        // then
        assertThat(loaded.profile()).contains(profile);
        assertThat(loaded.devices()).singleElement().satisfies(d -> {
            assertThat(d.platform()).isEqualTo(Platform.GCM);
            assertThat(d.endpointArn()).isEqualTo("arn:aws:sns:endpoint/1");
        });
        assertThat(loaded.topics()).containsExactly("news");
        assertThat(loaded.profile().orElseThrow().optedOut("bookings", Channel.PUSH)).isTrue();
    }

    @Test
    void load_unknownRecipient_hasNoProfile() {
        assertThat(recipients.load("ghost").profile()).isEmpty();
    }

    @Test
    void members_pagesThroughTopicInIdOrder() {
        // given
        for (int i = 0; i < 7; i++) {
            recipients.subscribe("news", "u" + i);
        }

        // when
        var first = recipients.members("news", null, 5);
        var rest = recipients.members("news", first.getLast(), 5);

        // then
        assertThat(first).containsExactly("u0", "u1", "u2", "u3", "u4");
        assertThat(rest).containsExactly("u5", "u6");
    }

    @Test
    void delete_removesProfileDevicesAndMemberships() {
        // given
        recipients.put(new RecipientProfile("u1", "en", null, null, null, Map.of(), null, null));
        recipients.putDevice(new Device("u1", "phone", Platform.APNS, "tok", null, true, null));
        recipients.subscribe("news", "u1");

        // when
        recipients.delete("u1");

        // then
        assertThat(recipients.load("u1").profile()).isEmpty();
        assertThat(recipients.load("u1").devices()).isEmpty();
        assertThat(recipients.members("news", null, 10)).isEmpty();
    }

    @Test
    void disableDevice_keepsItButOff() {
        // given
        recipients.putDevice(new Device("u1", "phone", Platform.APNS, "tok", "arn", true, null));

        // when
        recipients.disableDevice("u1", "phone");

        // then
        assertThat(recipients.devices("u1")).singleElement().extracting(Device::enabled).isEqualTo(false);
    }

    @Test
    void isSuppressed_ignoresCase() {
        // when
        recipients.suppress("Someone@Example.com", "bounce");

        // then
        assertThat(recipients.isSuppressed("someone@example.com")).isTrue();
        assertThat(recipients.isSuppressed("other@example.com")).isFalse();
    }
}
