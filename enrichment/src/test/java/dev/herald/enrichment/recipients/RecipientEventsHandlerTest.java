package dev.herald.enrichment.recipients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryReason;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.recipient.Device;
import dev.herald.recipient.ManagementEvents;
import dev.herald.recipient.Platform;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import dev.herald.schedule.Waits;
import dev.herald.schedule.WakeUp;
import dev.herald.store.HeraldTables;
import dev.herald.testing.LocalDynamo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecipientEventsHandlerTest {

    /** bookings (websocket, push, email), account (email), messages and reviews (websocket, email), transactional (email). */
    private static final Catalog SHIPPED = CatalogLoader.load(Path.of("../templates/catalog.yaml"));

    private RecipientRepository recipients;
    private RecipientEventsHandler handler;
    private Waits waits;
    private final List<String> wakeUps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        HeraldTables.Names tables = LocalDynamo.freshTables();
        recipients = new RecipientRepository(LocalDynamo.client(), tables.recipients(), Clock.systemUTC());
        waits = new Waits(LocalDynamo.client(), tables.deliveries(), Duration.ofDays(30));
        handler = new RecipientEventsHandler(SHIPPED, recipients, Clock.systemUTC(), waits, wakeUps::addAll);
    }

    /** A reminder's email held until the end of {@code recipientId}'s quiet hours. */
    private void deferredEmailFor(String recipientId) {
        Dispatch dispatch = new Dispatch("ev-1", "booking.checkin-reminder", Channel.EMAIL, Instant.now(), Json.object(),
                List.of(new DispatchRecipient(recipientId, "en", "Europe/Paris", null, recipientId + "@example.com", List.of())));
        waits.put(Waits.of(DeliveryReason.QUIET_HOURS, Instant.now().plus(Duration.ofHours(8)), dispatch, null));
    }

    @Test
    void handle_upsert_wakesTheRecipientsDeferredWaitsToBeDecidedAgain() {
        // given
        handler.handle(event("Recipient Upserted", "{\"recipientId\":\"u-q\",\"timeZone\":\"Europe/Paris\","
                + "\"quietHours\":{\"start\":\"22:00\",\"end\":\"07:00\"}}"));
        deferredEmailFor("u-q");

        assertThat(wakeUps).as("no wait yet, nothing to decide").isEmpty();

        // when: an earlier end
        handler.handle(event("Recipient Upserted", "{\"recipientId\":\"u-q\",\"timeZone\":\"Europe/Paris\","
                + "\"quietHours\":{\"start\":\"22:00\",\"end\":\"06:00\"}}"));

        // then: one wake-up, to decide now
        assertThat(wakeUps).singleElement().satisfies(body -> {
            WakeUp wakeUp = Json.read(body, WakeUp.class);
            assertThat(wakeUp.pk()).isEqualTo("ev-1");
            assertThat(wakeUp.due()).isNull();
        });
    }

    @Test
    void handle_upserts_keepTheRecipientsOwnChoices_untilTheAppReallyChangesAField() {
        // given: the app's profile, and the recipient's own choices (the preference centre's)
        String profile = "{\"recipientId\":\"u-p\",\"locale\":\"en\",\"timeZone\":\"UTC\",\"optOuts\":{\"reviews\":[\"email\"]}}";
        handler.handle(event("Recipient Upserted", profile));
        var choices = recipients.storedChoices("u-p");
        recipients.writeChoices("u-p", choices.version(), choices.choices().withLocale("fr").withChannel("reviews", Channel.EMAIL, true), null);

        // when: the app sends the same profile again
        handler.handle(event("Recipient Upserted", profile));

        // then: the recipient's choices stand
        RecipientProfile kept = recipients.find("u-p").orElseThrow();
        assertThat(kept.locale()).isEqualTo("fr");
        assertThat(kept.optedOut("reviews", Channel.EMAIL)).isFalse();

        // when: the app really changes the locale (and nothing else)
        handler.handle(event("Recipient Upserted", profile.replace("\"en\"", "\"de\"")));

        // then: the app's new locale wins; the choice of a field it did not change stays
        RecipientProfile changed = recipients.find("u-p").orElseThrow();
        assertThat(changed.locale()).isEqualTo("de");
        assertThat(changed.optedOut("reviews", Channel.EMAIL)).isFalse();
    }

    private static EventEnvelope event(String detailType, String detail) {
        return EventEnvelope.create("crm.app", detailType, Json.parse(detail));
    }

    @Test
    void handle_recipientUpserted_storesTheProfile() {
        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, """
                {"recipientId":"u1","locale":"fr-CA","timeZone":"America/Montreal","email":"u1@example.com","displayName":"Élodie",
                 "optOuts":{"marketing":["email","push"]},"quietHours":{"start":"22:00","end":"07:00"}}"""));

        // then
        assertThat(result.applied()).isTrue();
        RecipientProfile p = recipients.find("u1").orElseThrow();
        assertThat(p.locale()).isEqualTo("fr-CA");
        assertThat(p.optedOut("marketing", Channel.PUSH)).isTrue();
        assertThat(p.quietHours().start()).isEqualTo(LocalTime.of(22, 0));
    }

    @Test
    void handle_topicSubscribedThenUnsubscribed_updatesMembership() {
        // when
        handler.handle(event(ManagementEvents.TOPIC_SUBSCRIBED, "{\"recipientId\":\"u1\",\"topic\":\"travel\"}"));
        var afterSubscribe = recipients.members("travel", null, 10);
        handler.handle(event(ManagementEvents.TOPIC_UNSUBSCRIBED, "{\"recipientId\":\"u1\",\"topic\":\"travel\"}"));

        // then
        assertThat(afterSubscribe).containsExactly("u1");
        assertThat(recipients.members("travel", null, 10)).isEmpty();
    }

    @Test
    void handle_recipientUpserted_keepsUnsubscribesRecordedByLinks() {
        // given: an opt-out from an email's one-click link, then the app upserts the profile without it
        handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\",\"email\":\"u1@example.com\"}"));
        recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1");

        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, """
                {"recipientId":"u1","email":"u1@example.com","optOuts":{"marketing":["push"]}}"""));

        // then
        assertThat(result.applied()).isTrue();
        var loaded = recipients.load("u1");
        assertThat(loaded.unsubscribed()).isEqualTo(java.util.Map.of("bookings", java.util.Set.of(Channel.EMAIL)));
        assertThat(loaded.profile().orElseThrow().optedOut("marketing", Channel.PUSH)).isTrue();
    }

    @Test
    void handle_recipientDeleted_removesUnsubscribesToo() {
        // given
        handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\"}"));
        recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1");

        // when
        handler.handle(event(ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"u1\"}"));

        // then
        assertThat(recipients.load("u1").unsubscribed()).isEmpty();
        assertThat(recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-2")).as("recorded anew after the delete").isTrue();
    }

    @Test
    void handle_recipientDeleted_removesTheProfile() {
        // given
        handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\"}"));

        // when
        handler.handle(event(ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"u1\"}"));

        // then
        assertThat(recipients.find("u1")).isEmpty();
    }

    @Test
    void handle_invalidTimeZone_isRefusedWithAnExample() {
        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\",\"timeZone\":\"Paris\"}"));

        // then
        assertThat(result.applied()).isFalse();
        assertThat(result.error()).isEqualTo("Recipient Upserted: detail.timeZone 'Paris' is not an IANA time zone such as Europe/Paris");
        assertThat(recipients.find("u1")).isEmpty();
    }

    @Test
    void handle_missingRecipientId_isRefused() {
        assertThat(handler.handle(event(ManagementEvents.TOPIC_SUBSCRIBED, "{\"topic\":\"travel\"}")).error())
                .contains("detail.recipientId is required");
    }

    @Test
    void handle_recipientIdOf10000Characters_isRefusedNotRetried() {
        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"" + "u".repeat(10_000) + "\"}"));

        // then
        assertThat(result.applied()).isFalse();
        assertThat(result.error()).isEqualTo("Recipient Upserted: detail.recipientId is 10000 bytes; at most 256 bytes (UTF-8) fit Herald's keys");
    }

    @Test
    void handle_recipientIdOf200TwoByteCharacters_isRefusedAsEnrichmentWouldRefuseIt() {
        // when: 200 characters, but 400 bytes in UTF-8
        var result = handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"" + "é".repeat(200) + "\"}"));

        // then
        assertThat(result.applied()).isFalse();
        assertThat(result.error()).contains("is 400 bytes; at most 256 bytes");
    }

    @Test
    void handle_topicNameOver256Bytes_isRefused() {
        assertThat(handler.handle(event(ManagementEvents.TOPIC_SUBSCRIBED, "{\"topic\":\"" + "t".repeat(257) + "\",\"recipientId\":\"u1\"}")).error())
                .isEqualTo("Topic Subscribed: detail.topic is 257 bytes; at most 256 bytes (UTF-8) fit Herald's keys");
        assertThat(recipients.members("t".repeat(257), null, 10)).isEmpty();
    }

    @Test
    void handle_emailOver254Characters_isRefused() {
        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\",\"email\":\"" + "a".repeat(250) + "@example.com\"}"));

        // then
        assertThat(result.error()).isEqualTo("Recipient Upserted: detail.email: email address is 262 characters; at most 254 (RFC 5321)");
        assertThat(recipients.find("u1")).isEmpty();
    }

    @Test
    void handle_unknownChannelInOptOuts_isRefused() {
        assertThat(handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\",\"optOuts\":{\"news\":[\"sms\"]}}")).error())
                .contains("unknown channel 'sms'");
    }

    @Test
    void rulePattern_matchesManagementEventsFromAnySourceButHerald() {
        assertThat(Json.parse(ManagementEvents.rulePattern(ManagementEvents.RECIPIENT_EVENTS))).isEqualTo(Json.parse("""
                {"source":[{"anything-but":["herald"]}],
                 "detail-type":["Recipient Upserted","Recipient Deleted","Recipient Resubscribed","Topic Subscribed","Topic Unsubscribed"]}"""));
    }

    @Test
    void handle_recipientDeleted_leavesTheDevicesToTheDevicesFunction() {
        // given
        handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\"}"));
        recipients.putDevice(new Device("u1", "phone", Platform.GCM, "fcm-1", "arn:aws:sns:eu-west-1:1:endpoint/GCM/app/1", true, Instant.now()));

        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"u1\"}"));

        // then: the devices function, which can delete the SNS endpoint, removes the device on the same event
        assertThat(result.applied()).isTrue();
        assertThat(recipients.find("u1")).isEmpty();
        assertThat(recipients.devices("u1")).extracting(Device::deviceId).containsExactly("phone");
    }

    @Test
    void handle_recipientResubscribed_withoutChannel_removesTheEmailUnsubscribeOfThatCategoryOnly() {
        // given: two one-click unsubscribes
        recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1");
        recipients.recordUnsubscribe("u1", "account", Channel.EMAIL, "n-2");

        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_RESUBSCRIBED, "{\"recipientId\":\"u1\",\"category\":\"bookings\"}"));

        // then
        assertThat(result.applied()).isTrue();
        assertThat(recipients.load("u1").unsubscribed()).isEqualTo(Map.of("account", Set.of(Channel.EMAIL)));
    }

    @Test
    void handle_recipientResubscribed_withAChannel_removesThatChannelsUnsubscribe() {
        // given
        recipients.recordUnsubscribe("u1", "bookings", Channel.PUSH, "n-1");
        recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-2");

        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_RESUBSCRIBED,
                "{\"recipientId\":\"u1\",\"category\":\"bookings\",\"channel\":\"push\"}"));

        // then
        assertThat(result.applied()).isTrue();
        assertThat(recipients.load("u1").unsubscribed()).isEqualTo(Map.of("bookings", Set.of(Channel.EMAIL)));
    }

    @Test
    void handle_recipientResubscribedTwice_orWithNothingRecorded_isAppliedAndChangesNothing() {
        // given
        recipients.put(new RecipientProfile("u1", "en", null, "u1@example.com", null, Map.of("bookings", Set.of(Channel.EMAIL)), null, null));
        var resubscribe = event(ManagementEvents.RECIPIENT_RESUBSCRIBED, "{\"recipientId\":\"u1\",\"category\":\"bookings\"}");

        // when
        var first = handler.handle(resubscribe);
        var again = handler.handle(resubscribe);

        // then: the profile's own opt-out is the app's, changed with Recipient Upserted
        assertThat(first.applied()).isTrue();
        assertThat(again.applied()).isTrue();
        assertThat(recipients.find("u1").orElseThrow().optedOut("bookings", Channel.EMAIL)).isTrue();
    }

    @Test
    void handle_recipientResubscribedToAnUnknownCategory_isRefusedListingTheCatalogsCategories() {
        // given
        recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1");

        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_RESUBSCRIBED, "{\"recipientId\":\"u1\",\"category\":\"booking\"}"));

        // then
        assertThat(result.applied()).isFalse();
        assertThat(result.error()).isEqualTo("Recipient Resubscribed: detail.category 'booking' is not a category of the catalog; "
                + "expected one of [account, bookings, messages, reviews, transactional]");
        assertThat(recipients.load("u1").unsubscribed()).containsKey("bookings");
    }

    @Test
    void handle_recipientResubscribedWithoutCategory_isRefused() {
        assertThat(handler.handle(event(ManagementEvents.RECIPIENT_RESUBSCRIBED, "{\"recipientId\":\"u1\"}")).error())
                .isEqualTo("Recipient Resubscribed: detail.category is required: one of the catalog's categories [account, bookings, messages, reviews, transactional]");
    }

    @Test
    void handle_recipientResubscribedOnAnUnknownChannel_isRefusedListingTheChannels() {
        assertThat(handler.handle(event(ManagementEvents.RECIPIENT_RESUBSCRIBED,
                "{\"recipientId\":\"u1\",\"category\":\"bookings\",\"channel\":\"sms\"}")).error())
                .isEqualTo("Recipient Resubscribed: detail.channel 'sms' is not a channel; expected one of websocket, push, email (email when left out)");
    }

    @Test
    void handle_recipientResubscribedOnAChannelTheCategoryDoesNotUse_isRefusedNamingItsChannels() {
        assertThat(handler.handle(event(ManagementEvents.RECIPIENT_RESUBSCRIBED,
                "{\"recipientId\":\"u1\",\"category\":\"account\",\"channel\":\"push\"}")).error())
                .isEqualTo("Recipient Resubscribed: detail.channel push is not a channel of category 'account'; its types use [email]");
    }
}
