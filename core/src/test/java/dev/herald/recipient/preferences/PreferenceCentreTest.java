package dev.herald.recipient.preferences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.json.Json;
import dev.herald.recipient.QuietHours;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import dev.herald.testing.LocalDynamo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The preference centre against DynamoDB Local, with the shipped catalog (bookings, reviews, messages, account; transactional is critical). */
class PreferenceCentreTest {

    private static final String USER = "user-42";
    private static final Catalog CATALOG = CatalogLoader.load(Path.of("../templates/catalog.yaml"));

    private HeraldTables.Names tables;
    private RecipientRepository recipients;
    private PreferenceCentre centre;
    private final List<String> quietHoursChanged = new ArrayList<>();

    @BeforeEach
    void freshTables() {
        tables = LocalDynamo.freshTables();
        Clock clock = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);
        recipients = new RecipientRepository(LocalDynamo.client(), tables.recipients(), clock);
        centre = new PreferenceCentre(CATALOG, recipients, new PreferencesChangedMarks(tables.deliveries()), clock, quietHoursChanged::add);
    }

    @Test
    void get_withoutAnything_listsTheCatalogsCategoriesAllOn_criticalLocked() {
        // when
        Preferences prefs = centre.get(USER);

        // then
        assertThat(Json.parse(Json.write(prefs))).isEqualTo(Json.parse("""
                {"recipientId":"user-42","locale":null,"timeZone":null,"quietHours":null,"digest":"default","categories":[
                 {"id":"account","critical":false,"locked":false,"channels":{"email":true}},
                 {"id":"bookings","critical":false,"locked":false,"channels":{"websocket":true,"push":true,"email":true}},
                 {"id":"messages","critical":false,"locked":false,"channels":{"websocket":true,"email":true}},
                 {"id":"reviews","critical":false,"locked":false,"channels":{"websocket":true,"email":true}},
                 {"id":"transactional","critical":true,"locked":true,"channels":{"email":true}}]}"""));
    }

    @Test
    void set_emailOffAndFields_areMergedIntoTheProfileRoutingReads_andMarked() {
        // given: the app's profile
        recipients.put(new RecipientProfile(USER, "en", "UTC", "u@example.com", "Sam", Map.of(), null, null));

        // when
        Preferences prefs = centre.set(USER, change("""
                {"locale":"fr-CA","timeZone":"Europe/Paris","quietHours":{"start":"22:00","end":"07:00"},"digest":"daily",
                 "categories":{"bookings":{"email":false}}}"""));

        // then
        assertThat(prefs.locale()).isEqualTo("fr-CA");
        assertThat(prefs.digest()).isEqualTo("daily");
        assertThat(prefs.categories().get(1).channels()).containsEntry("email", false).containsEntry("push", true);
        RecipientProfile effective = recipients.load(USER).profile().orElseThrow();
        assertThat(effective.locale()).isEqualTo("fr-CA");
        assertThat(effective.timeZone()).isEqualTo("Europe/Paris");
        assertThat(effective.quietHours()).isEqualTo(new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)));
        assertThat(effective.email()).isEqualTo("u@example.com");
        assertThat(effective.optedOut("bookings", Channel.EMAIL)).isTrue();
        assertThat(recipients.loadAll(List.of(USER)).getFirst().profile()).contains(effective);
        List<JsonNode> marks = marks();
        assertThat(marks).singleElement().satisfies(mark -> {
            assertThat(mark.path("recipientId").asText()).isEqualTo(USER);
            assertThat(mark.path("changed")).extracting(JsonNode::asText).containsExactly("locale", "timeZone", "quietHours", "digest",
                    "categories.bookings.email");
            assertThat(mark.path("preferences")).isEqualTo(Json.parse(Json.write(prefs)));
            assertThat(mark.path("at").asText()).isEqualTo("2026-12-05T10:00:00Z");
        });
        assertThat(quietHoursChanged).containsExactly(USER);
    }

    @Test
    void set_thatChangesNothing_writesAndMarksNothing() {
        // given
        centre.set(USER, change("{\"categories\":{\"bookings\":{\"push\":false}}}"));

        // when
        centre.set(USER, change("{\"categories\":{\"bookings\":{\"push\":false}}}"));
        centre.set(USER, change("{\"digest\":\"default\",\"quietHours\":null}"));

        // then
        assertThat(marks()).hasSize(1);
    }

    @Test
    void set_withoutAnAppProfile_stillCountsForRouting() {
        // when
        centre.set(USER, change("{\"categories\":{\"reviews\":{\"email\":false}}}"));

        // then
        RecipientProfile effective = recipients.load(USER).profile().orElseThrow();
        assertThat(effective.optedOut("reviews", Channel.EMAIL)).isTrue();
        assertThat(effective.email()).isNull();
    }

    @Test
    void set_channelOn_undoesAOneClickUnsubscribe() {
        // given
        recipients.recordUnsubscribe(USER, "bookings", Channel.EMAIL, "n-1");
        assertThat(centre.get(USER).categories().get(1).channels()).containsEntry("email", false);

        // when
        Preferences prefs = centre.set(USER, change("{\"categories\":{\"bookings\":{\"email\":true}}}"));

        // then
        assertThat(prefs.categories().get(1).channels()).containsEntry("email", true);
        assertThat(recipients.load(USER).unsubscribed()).isEmpty();
        assertThat(marks()).singleElement().satisfies(m -> assertThat(m.path("changed").get(0).asText()).isEqualTo("categories.bookings.email"));
    }

    @Test
    void set_channelOn_overridesTheAppsOptOut() {
        // given
        recipients.put(new RecipientProfile(USER, "en", null, null, null, Map.of("reviews", Set.of(Channel.EMAIL)), null, null));

        // when
        centre.set(USER, change("{\"categories\":{\"reviews\":{\"email\":true}}}"));

        // then
        assertThat(recipients.load(USER).profile().orElseThrow().optedOut("reviews", Channel.EMAIL)).isFalse();
    }

    @Test
    void appResendingAStaleProfile_neverUndoesTheRecipientsChoice() {
        // given: the app's profile, then the recipient's own choices
        RecipientProfile app = new RecipientProfile(USER, "en", "UTC", "u@example.com", null, Map.of("reviews", Set.of(Channel.EMAIL)), null, null);
        recipients.put(app);
        centre.set(USER, change("{\"locale\":\"fr\",\"categories\":{\"reviews\":{\"email\":true},\"bookings\":{\"push\":false}}}"));

        // when: the app sends the same profile again (a retry, a nightly sync)
        recipients.put(app);

        // then
        RecipientProfile effective = recipients.load(USER).profile().orElseThrow();
        assertThat(effective.locale()).isEqualTo("fr");
        assertThat(effective.optedOut("reviews", Channel.EMAIL)).isFalse();
        assertThat(effective.optedOut("bookings", Channel.PUSH)).isTrue();
    }

    @Test
    void appReallyChangingAField_overridesTheRecipientsEarlierChoice_forThatFieldOnly() {
        // given
        recipients.put(new RecipientProfile(USER, "en", "UTC", null, null, Map.of(), null, null));
        centre.set(USER, change("{\"locale\":\"fr\",\"timeZone\":\"Europe/Paris\",\"categories\":{\"bookings\":{\"email\":false}}}"));

        // when: the app changes the locale, and opts the recipient out of bookings push (email it leaves as before)
        recipients.put(new RecipientProfile(USER, "de", "UTC", null, null, Map.of("bookings", Set.of(Channel.PUSH)), null, null));

        // then: the app's new locale wins, the recipient's time zone and email choice stay
        RecipientProfile effective = recipients.load(USER).profile().orElseThrow();
        assertThat(effective.locale()).isEqualTo("de");
        assertThat(effective.timeZone()).isEqualTo("Europe/Paris");
        assertThat(effective.optedOut("bookings", Channel.EMAIL)).isTrue();
        assertThat(effective.optedOut("bookings", Channel.PUSH)).isTrue();

        // and when: the recipient chooses again, theirs is the latest
        centre.set(USER, change("{\"locale\":\"it\",\"categories\":{\"bookings\":{\"push\":true}}}"));
        RecipientProfile later = recipients.load(USER).profile().orElseThrow();
        assertThat(later.locale()).isEqualTo("it");
        assertThat(later.optedOut("bookings", Channel.PUSH)).isFalse();
    }

    @Test
    void appChangingAnOptOutPair_dropsOnlyThatPairsChoice() {
        // given
        recipients.put(new RecipientProfile(USER, null, null, null, null, Map.of(), null, null));
        centre.set(USER, change("{\"categories\":{\"reviews\":{\"email\":false},\"bookings\":{\"email\":false}}}"));

        // when: the app opts the recipient out of reviews email, then back in
        recipients.put(new RecipientProfile(USER, null, null, null, null, Map.of("reviews", Set.of(Channel.EMAIL)), null, null));
        recipients.put(new RecipientProfile(USER, null, null, null, null, Map.of(), null, null));

        // then: reviews email follows the app's latest word, bookings email the recipient's
        RecipientProfile effective = recipients.load(USER).profile().orElseThrow();
        assertThat(effective.optedOut("reviews", Channel.EMAIL)).isFalse();
        assertThat(effective.optedOut("bookings", Channel.EMAIL)).isTrue();
    }

    @Test
    void writeChoices_readBeforeAConcurrentChange_writesNothing_soNoChoiceIsLost() {
        // given: two writers read the same choices
        centre.set(USER, change("{\"digest\":\"hourly\"}"));
        RecipientRepository.StoredChoices first = recipients.storedChoices(USER);
        RecipientRepository.StoredChoices second = recipients.storedChoices(USER);
        assertThat(recipients.writeChoices(USER, first.version(), first.choices().withLocale("fr"), null)).isTrue();

        // when: the second writes on what it read
        boolean written = recipients.writeChoices(USER, second.version(), second.choices().withTimeZone("Europe/Paris"), null);

        // then: refused, and the first writer's choice stands (the preference centre reads again and retries)
        assertThat(written).isFalse();
        assertThat(centre.get(USER).locale()).isEqualTo("fr");
        assertThat(centre.set(USER, change("{\"timeZone\":\"Europe/Paris\"}")).locale()).isEqualTo("fr");
    }

    @Test
    void set_lockedCategory_isRefused_andMarksNothing() {
        assertThatThrownBy(() -> centre.set(USER, change("{\"categories\":{\"transactional\":{\"email\":false}}}")))
                .isInstanceOf(LockedCategoryException.class).hasMessageContaining("'transactional' is critical and locked");
        assertThat(marks()).isEmpty();
    }

    @Test
    void set_invalidChanges_sayWhatWasWrongAndWhatToSend() {
        assertInvalid("{\"colour\":\"red\"}", "unknown field 'colour'; a change may hold [locale, timeZone, quietHours, digest, categories]");
        assertInvalid("[]", "a change is a JSON object");
        assertInvalid("{\"categories\":{\"weather\":{\"email\":false}}}", "unknown category 'weather'; the categories are [account, bookings");
        assertInvalid("{\"categories\":{\"bookings\":{\"sms\":false}}}", "unknown channel 'sms'; channels are websocket, push, email");
        assertInvalid("{\"categories\":{\"reviews\":{\"push\":false}}}", "category 'reviews' does not use push; it uses [websocket, email]");
        assertInvalid("{\"categories\":{\"reviews\":{\"email\":\"no\"}}}", "categories.reviews.email must be true or false");
        assertInvalid("{\"timeZone\":\"Mars/Olympus\"}", "not an IANA time zone; send one such as \"Europe/Paris\"");
        assertInvalid("{\"locale\":\"fr_CA\"}", "not a BCP 47 language tag; send one such as \"fr\" or \"fr-CA\"");
        assertInvalid("{\"quietHours\":{\"start\":\"10pm\",\"end\":\"07:00\"}}", "quietHours.start \"10pm\" is not HH:mm");
        assertInvalid("{\"quietHours\":{\"start\":\"22:00\"}}", "quietHours.end is missing");
        assertInvalid("{\"digest\":\"weekly\"}", "digest \"weekly\" is not one of [default, hourly, daily]");
        assertThat(marks()).isEmpty();
    }

    @Test
    void set_localeIsNormalised_andNullClears() {
        // when
        Preferences set = centre.set(USER, change("{\"locale\":\"fr-ca\",\"quietHours\":{\"start\":\"23:00\",\"end\":\"06:30\"}}"));
        Preferences cleared = centre.set(USER, change("{\"quietHours\":null}"));

        // then
        assertThat(set.locale()).isEqualTo("fr-CA");
        assertThat(set.quietHours()).isEqualTo(new Preferences.Window("23:00", "06:30"));
        assertThat(cleared.quietHours()).isNull();
        assertThat(recipients.load(USER).profile().orElseThrow().quietHours()).isNull();
    }

    private void assertInvalid(String change, String message) {
        assertThatThrownBy(() -> centre.set(USER, change(change))).isInstanceOf(InvalidPreferencesException.class).hasMessageContaining(message);
    }

    private static JsonNode change(String json) {
        return Json.parse(json);
    }

    /** The details the marks in the deliveries table announce. */
    private List<JsonNode> marks() {
        return LocalDynamo.client().query(r -> r.tableName(tables.deliveries()).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("#prefs#" + USER)))).items().stream()
                .map(item -> Json.parse(Items.string(item, PreferencesChangedMarks.DETAIL))).toList();
    }
}
