package dev.herald.templates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.dispatch.DispatchRecipient;
import dev.herald.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateModelTest {

    @Test
    void isoDate_inFrench_gainsFormattedValues() {
        // given
        var data = Json.parse("{\"checkIn\":\"2026-12-18\"}");

        // when
        Map<String, Object> model = TemplateModel.of(data, "fr", "Europe/Paris");

        // then
        Map<?, ?> checkIn = (Map<?, ?>) model.get("checkIn");
        assertThat(checkIn.toString()).isEqualTo("2026-12-18");
        assertThat(checkIn.get("formatted")).isEqualTo("18 déc. 2026");
        assertThat(checkIn.get("long")).isEqualTo("18 décembre 2026");
        assertThat(checkIn.get("full")).isEqualTo("vendredi 18 décembre 2026");
        assertThat(checkIn.get("iso")).isEqualTo("2026-12-18");
    }

    @Test
    void instant_isShownInTheRecipientsTimeZone() {
        // given
        var data = Json.parse("{\"at\":\"2026-12-31T23:00:00Z\"}");

        // when
        Map<?, ?> at = (Map<?, ?>) TemplateModel.of(data, "en", "Asia/Dubai").get("at");

        // then: 23:00 UTC is 03:00 the next day in Dubai
        assertThat(at.get("date")).isEqualTo("Jan 1, 2027");
        assertThat(at.get("time")).isEqualTo("3:00\u202fAM");
        assertThat(at.get("iso")).isEqualTo("2027-01-01T03:00:00+04:00");
    }

    @Test
    void moneyObject_gainsFormattedInTheRecipientsLocale() {
        // given
        var data = Json.parse("{\"total\":{\"amount\":1234.5,\"currency\":\"EUR\"}}");

        // when / then
        assertThat(((Map<?, ?>) TemplateModel.of(data, "en", null).get("total")).get("formatted")).isEqualTo("€1,234.50");
        assertThat(((Map<?, ?>) TemplateModel.of(data, "fr", null).get("total")).get("formatted")).isEqualTo("1\u202f234,50\u00a0€");
    }

    @Test
    void number_gainsFormattedAndExactlyOnePluralCategory() {
        // given
        var data = Json.parse("{\"nights\":3,\"guests\":1234}");

        // when
        Map<String, Object> model = TemplateModel.of(data, "ar", "UTC");

        // then
        Map<?, ?> nights = (Map<?, ?>) model.get("nights");
        assertThat(nights.toString()).isEqualTo("3");
        assertThat(nights.get("few")).isEqualTo(true);
        assertThat(List.of("zero", "one", "two", "many", "other")).allSatisfy(c -> assertThat(nights.get(c)).isEqualTo(false));
        assertThat(((Map<?, ?>) TemplateModel.of(data, "en", "UTC").get("guests")).get("formatted")).isEqualTo("1,234");
    }

    @Test
    void existingKeys_areNeverOverwritten() {
        // given
        var data = Json.parse("{\"total\":{\"amount\":5,\"currency\":\"USD\",\"formatted\":\"five dollars\"},\"note\":\"2026-13-45\"}");

        // when
        Map<String, Object> model = TemplateModel.of(data, "en", "UTC");

        // then
        assertThat(((Map<?, ?>) model.get("total")).get("formatted")).isEqualTo("five dollars");
        assertThat(model.get("note")).isEqualTo("2026-13-45");
    }

    @Test
    void forRecipient_addsRecipientWithoutTheAddress() {
        // given
        var recipient = new DispatchRecipient("user-1", "fr-CA", "America/Montreal", "Élise", "elise@example.com", List.of());

        // when
        Map<String, Object> model = TemplateModel.of(Json.parse("{\"hotelName\":\"X\"}"), recipient);

        // then
        assertThat(model.get("recipient")).isEqualTo(Map.of("id", "user-1", "displayName", "Élise", "locale", "fr-CA",
                "timeZone", "America/Montreal"));
        assertThat(model.get("hotelName")).isEqualTo("X");
    }

    @Test
    void forTemplateLocale_inAnotherLanguage_relocalizes() {
        // given: a German recipient whose template falls back to English
        Map<String, Object> model = TemplateModel.of(Json.parse("{\"nights\":1,\"d\":\"2026-12-18\"}"), "de", "UTC");

        // when
        Map<String, Object> english = TemplateModel.forTemplateLocale(model, "en");

        // then
        assertThat(((Map<?, ?>) model.get("d")).get("formatted")).isEqualTo("18.12.2026");
        assertThat(((Map<?, ?>) english.get("d")).get("formatted")).isEqualTo("Dec 18, 2026");
        assertThat(TemplateModel.forTemplateLocale(model, "de-AT")).isSameAs(model);
    }
}
