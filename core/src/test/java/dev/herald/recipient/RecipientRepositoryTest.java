package dev.herald.recipient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

class RecipientRepositoryTest {

    private RecipientRepository recipients;
    private DeliveryRepository deliveries;
    private HeraldTables.Names tables;

    @BeforeEach
    void freshTables() {
        tables = LocalDynamo.freshTables();
        recipients = new RecipientRepository(LocalDynamo.client(), tables.recipients(), Clock.systemUTC());
        deliveries = new DeliveryRepository(LocalDynamo.client(), tables.deliveries(), Clock.systemUTC(), Duration.ofDays(1));
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
    void loadAll_readsWhatLoadReads_butTopics_inTheOrderAsked() {
        // given: a full recipient, one with a device and no profile yet, one with an unsubscribe only, and one unknown
        RecipientProfile profile = new RecipientProfile("u1", "fr", "Europe/Paris", "u1@example.com", "Camille",
                Map.of("bookings", Set.of(Channel.PUSH)), new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)), Instant.parse("2026-01-01T00:00:00Z"));
        recipients.put(profile);
        recipients.putDevice(new Device("u1", "phone", Platform.GCM, "tok", "arn:aws:sns:endpoint/1", true, null));
        recipients.putDevice(new Device("u2", "tablet", Platform.APNS, "tok2", "arn:aws:sns:endpoint/2", true, null));
        recipients.recordUnsubscribe("u3", "news", Channel.EMAIL, "n-1");

        // when
        List<Recipient> loaded = recipients.loadAll(List.of("u3", "nobody", "u1", "u2"));

        // then
        assertThat(loaded).extracting(Recipient::id).containsExactly("u3", "nobody", "u1", "u2");
        for (Recipient batch : loaded) {
            Recipient single = recipients.load(batch.id());
            assertThat(batch.profile()).as(batch.id()).isEqualTo(single.profile());
            assertThat(batch.devices()).as(batch.id()).isEqualTo(single.devices());
            assertThat(batch.unsubscribed()).as(batch.id()).isEqualTo(single.unsubscribed());
        }
        assertThat(loaded.get(1).profile()).isEmpty();
        assertThat(loaded.get(3).profile()).as("a device alone makes no profile").isEmpty();
        assertThat(loaded.get(3).devices()).extracting(Device::deviceId).containsExactly("tablet");
        assertThat(loaded.get(0).unsubscribed()).isEqualTo(Map.of("news", EnumSet.of(Channel.EMAIL)));
    }

    @Test
    void loadAll_followsEveryChange_toDevicesUnsubscribesAndTheProfile() {
        // given
        recipients.putDevice(new Device("u1", "phone", Platform.GCM, "tok", "arn:aws:sns:endpoint/1", true, null));
        recipients.putDevice(new Device("u1", "old", Platform.GCM, "tok0", "arn:aws:sns:endpoint/0", true, null));
        recipients.recordUnsubscribe("u1", "news", Channel.EMAIL, "n-1");
        recipients.put(new RecipientProfile("u1", "en", null, "u1@example.com", null, Map.of(), null, null));

        // when: a new profile (the copies stay), a device disabled, another removed, the unsubscribe undone
        recipients.put(new RecipientProfile("u1", "fr", null, null, "Camille", Map.of(), null, null));
        recipients.disableDevice("u1", "phone");
        recipients.deleteDevice("u1", "old");
        recipients.removeUnsubscribe("u1", "news", Channel.EMAIL);

        // then
        Recipient loaded = recipients.loadAll(List.of("u1")).getFirst();
        assertThat(loaded.profile()).hasValueSatisfying(p -> {
            assertThat(p.locale()).isEqualTo("fr");
            assertThat(p.email()).as("a field the new profile leaves out is gone").isNull();
        });
        assertThat(loaded.devices()).singleElement().satisfies(d -> assertThat(d.enabled()).isFalse());
        assertThat(loaded.unsubscribed()).isEmpty();
        assertThat(loaded.devices()).isEqualTo(recipients.load("u1").devices());
    }

    @Test
    void loadAll_ofMoreThanOneBatch_readsEveryRecipient() {
        // given
        for (int i = 0; i < 250; i++) {
            recipients.put(new RecipientProfile("u" + i, "en", null, null, null, Map.of(), null, null));
        }

        // when
        List<Recipient> loaded = recipients.loadAll(IntStream.range(0, 250).mapToObj(i -> "u" + i).toList());

        // then
        assertThat(loaded).hasSize(250).allSatisfy(r -> assertThat(r.profile()).isPresent());
    }

    @Test
    void suppressed_namesOnlyTheSuppressedAddresses_whateverTheirCase() {
        // given
        recipients.suppress("bounced@example.com", "bounce");

        // when / then
        assertThat(recipients.suppressed(List.of("Bounced@Example.com", "fine@example.com"))).containsExactly("Bounced@Example.com");
        assertThat(recipients.suppressed(List.of())).isEmpty();
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
    void deleteExceptDevices_removesProfileMembershipsAndUnsubscribes_andLeavesDevicesToTheDevicesFunction() {
        // given
        recipients.put(new RecipientProfile("u1", "en", null, null, null, Map.of(), null, null));
        recipients.putDevice(new Device("u1", "phone", Platform.APNS, "tok", "arn:aws:sns:endpoint/1", true, null));
        recipients.subscribe("news", "u1");
        recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1");

        // when
        recipients.deleteExceptDevices("u1");
        recipients.deleteExceptDevices("u1");

        // then
        Recipient loaded = recipients.load("u1");
        assertThat(loaded.profile()).isEmpty();
        assertThat(loaded.topics()).isEmpty();
        assertThat(loaded.unsubscribed()).isEmpty();
        assertThat(recipients.members("news", null, 10)).isEmpty();
        assertThat(loaded.devices()).extracting(Device::deviceId).as("the devices function deletes them with their endpoints")
                .containsExactly("phone");
    }

    @Test
    void removeUnsubscribe_removesThatCategoryAndChannelOnly_andReportsWhetherOneWasRecorded() {
        // given
        recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1");
        recipients.recordUnsubscribe("u1", "marketing", Channel.EMAIL, "n-2");

        // when
        boolean removed = recipients.removeUnsubscribe("u1", "bookings", Channel.EMAIL);
        boolean again = recipients.removeUnsubscribe("u1", "bookings", Channel.EMAIL);
        boolean otherChannel = recipients.removeUnsubscribe("u1", "marketing", Channel.PUSH);

        // then
        assertThat(removed).isTrue();
        assertThat(again).isFalse();
        assertThat(otherChannel).isFalse();
        assertThat(recipients.load("u1").unsubscribed()).isEqualTo(Map.of("marketing", Set.of(Channel.EMAIL)));
        assertThat(recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-3")).as("a later link records it anew").isTrue();
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
    void deleteDevice_removesThatDeviceOnly_andIgnoresAnUnknownOne() {
        // given
        recipients.put(new RecipientProfile("u1", "en", null, null, null, Map.of(), null, null));
        recipients.putDevice(new Device("u1", "phone", Platform.APNS, "tok-1", "arn-1", true, null));
        recipients.putDevice(new Device("u1", "tablet", Platform.GCM, "tok-2", "arn-2", true, null));

        // when
        recipients.deleteDevice("u1", "phone");
        recipients.deleteDevice("u1", "phone");
        recipients.deleteDevice("u1", "never-registered");

        // then
        assertThat(recipients.devices("u1")).extracting(Device::deviceId).containsExactly("tablet");
        assertThat(recipients.find("u1")).isPresent();
    }

    @Test
    void recordUnsubscribe_isLoadedWithTheRecipient_andRecordedOnce() {
        // given
        recipients.put(new RecipientProfile("u1", "en", null, "u1@example.com", null, Map.of(), null, null));

        // when
        boolean first = recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1");
        boolean again = recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-2");
        recipients.recordUnsubscribe("u1", "marketing", Channel.EMAIL, "n-3");

        // then
        assertThat(first).isTrue();
        assertThat(again).isFalse();
        Recipient loaded = recipients.load("u1");
        assertThat(loaded.unsubscribed()).isEqualTo(Map.of("bookings", Set.of(Channel.EMAIL), "marketing", Set.of(Channel.EMAIL)));
        assertThat(loaded.profile().orElseThrow().optOuts()).as("the profile item is left alone").isEmpty();
    }

    @Test
    void recordUnsubscribe_withTheDeliveryMark_writesBoth_andARepeatWritesNeither() {
        // given: the email deliveries of two notifications
        DeliveryKey first = new DeliveryKey("n-1", "booking.created", Channel.EMAIL, "u1");
        DeliveryKey second = new DeliveryKey("n-2", "booking.created", Channel.EMAIL, "u1");
        deliveries.create(Delivery.pending(first, Instant.now(), null));
        deliveries.create(Delivery.pending(second, Instant.now(), null));

        // when
        boolean recorded = recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1", deliveries.unsubscribeMark(first, "bookings"));
        boolean again = recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-2", deliveries.unsubscribeMark(second, "bookings"));

        // then
        assertThat(recorded).isTrue();
        assertThat(again).isFalse();
        assertThat(recipients.load("u1").unsubscribed()).isEqualTo(Map.of("bookings", Set.of(Channel.EMAIL)));
        assertThat(rawDelivery(first)).containsKey(DeliveryRepository.UNSUBSCRIBED_AT)
                .hasEntrySatisfying(DeliveryRepository.UNSUBSCRIBED_CATEGORY, v -> assertThat(v.s()).isEqualTo("bookings"));
        assertThat(rawDelivery(second)).as("an unsubscribe already recorded marks nothing, so it is announced once")
                .doesNotContainKey(DeliveryRepository.UNSUBSCRIBED_AT);
    }

    @Test
    void recordUnsubscribe_whenTheDeliveryMarkCannotBeWritten_recordsNothing() {
        // given: a link's delivery that expired (TTL) after it was read
        DeliveryKey gone = new DeliveryKey("n-1", "booking.created", Channel.EMAIL, "u1");

        // when
        var attempt = assertThatThrownBy(() -> recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1",
                deliveries.unsubscribeMark(gone, "bookings")));

        // then: the unsubscribe is not recorded without the mark that announces it
        attempt.isInstanceOf(TransactionCanceledException.class);
        assertThat(recipients.load("u1").unsubscribed()).isEmpty();
    }

    private Map<String, AttributeValue> rawDelivery(DeliveryKey key) {
        return LocalDynamo.client().getItem(r -> r.tableName(tables.deliveries()).key(Map.of("pk", Items.s(key.notificationId()), "sk", Items.s(key.sortKey()))))
                .item();
    }

    @Test
    void recordUnsubscribe_withoutProfile_isStillLoaded() {
        // when
        recipients.recordUnsubscribe("email-0123abcd", "newsletter", Channel.EMAIL, "n-1");

        // then
        Recipient loaded = recipients.load("email-0123abcd");
        assertThat(loaded.profile()).isEmpty();
        assertThat(loaded.unsubscribed()).containsEntry("newsletter", Set.of(Channel.EMAIL));
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
