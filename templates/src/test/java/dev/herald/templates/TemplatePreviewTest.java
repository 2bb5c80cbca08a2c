package dev.herald.templates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplatePreviewTest {

    private final TemplatePreview preview = TemplatePreview.directory(ShippedTemplates.DIR);

    @Test
    void toText_namesEachPartAndTheLocaleItFellBackTo() {
        // given / when
        String text = preview.render("booking.created", "fr-CA").toText();

        // then
        assertThat(text).startsWith("booking.created · locale fr-CA · time zone Europe/Paris")
                .contains("── email.subject ──\nVotre réservation est confirmée – Hôtel du Lac & Spa")
                .contains("── email.txt (from fr) ──\nBonjour Camille Martin,");
    }

    @Test
    void givenData_andTimeZone_replaceTheSample() {
        // given
        var data = Json.parse("{\"plan\":\"Team\",\"trialEndsAt\":\"2026-12-31T23:00:00Z\",\"verifyUrl\":\"https://v\","
                + "\"recipient\":{\"id\":\"u\",\"displayName\":\"Ana\",\"locale\":\"en\",\"timeZone\":\"UTC\"}}");

        // when
        var rendered = preview.render("user.signup", "en", data, "America/New_York");

        // then
        assertThat(rendered.parts().get(TemplatePart.EMAIL_TEXT).text()).contains("Your Team trial runs until Dec 31, 2026, 6:00\u202fPM");
    }

    @Test
    void writeHtml_framesTheEmailAndEscapesIt(@TempDir Path temp) throws IOException {
        // given
        Path out = temp.resolve("preview.html");

        // when
        preview.render("email.send", "ar").writeHtml(out);

        // then
        String html = Files.readString(out);
        assertThat(html).contains("<iframe sandbox srcdoc=\"&lt;!DOCTYPE html&gt;").contains("dir=&quot;rtl&quot;")
                .contains("<h2>email.subject (from en)</h2>");
    }
}
