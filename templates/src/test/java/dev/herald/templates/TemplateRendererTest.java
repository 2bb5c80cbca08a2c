package dev.herald.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mustachejava.MustacheException;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateRendererTest {

    @TempDir
    Path temp;

    private final Catalog catalog = CatalogLoader.load(ShippedTemplates.DIR.resolve("catalog.yaml"));

    @Test
    void htmlPart_isEscaped_textParts_areNot() {
        // given
        var renderer = new TemplateRenderer(TemplateSource.directory(ShippedTemplates.DIR), catalog);
        Map<String, Object> model = TemplateModel.of(Json.parse("{\"subject\":\"Tom & Jerry <3\",\"message\":\"a < b\"}"), "en", "UTC");

        // when
        String subject = renderer.render("email.send", TemplatePart.EMAIL_SUBJECT, "en", model).orElseThrow().text();
        String text = renderer.render("email.send", TemplatePart.EMAIL_TEXT, "en", model).orElseThrow().text();
        String html = renderer.render("email.send", TemplatePart.EMAIL_HTML, "en", model).orElseThrow().text();

        // then
        assertThat(subject).isEqualTo("Tom & Jerry <3\n");
        assertThat(text).startsWith("a < b\n");
        assertThat(html).contains("<title>Tom &amp; Jerry &lt;3</title>").contains(">a &lt; b</div>");
    }

    @Test
    void warmUp_rendersEveryShippedPartOfEveryTypeInItsDefaultLocale() {
        // given
        var renderer = new TemplateRenderer(TemplateSource.directory(ShippedTemplates.DIR), catalog);

        // when
        int rendered = renderer.warmUp();

        // then: booking.created and booking.checkin-reminder have all six parts; review.posted and message.received
        // the in-app part and the three email parts; user.signup and email.send the three email parts
        assertThat(rendered).isEqualTo(6 + 6 + 4 + 4 + 3 + 3);
    }

    @Test
    void partMissingInLocale_fallsBackAlongTheChain() {
        // given
        var renderer = new TemplateRenderer(TemplateSource.directory(ShippedTemplates.DIR), catalog);
        Map<String, Object> model = TemplateModel.of(sample("booking.created"), "fr-CA", "America/Montreal");

        // when / then: fr-CA has its own subject, takes the html from fr, and es falls back to en
        assertThat(renderer.render("booking.created", TemplatePart.EMAIL_SUBJECT, "fr-CA", model)).get()
                .extracting(Rendered::locale).isEqualTo("fr-CA");
        assertThat(renderer.render("booking.created", TemplatePart.EMAIL_HTML, "fr-CA", model)).get()
                .extracting(Rendered::locale).isEqualTo("fr");
        assertThat(renderer.render("booking.created", TemplatePart.EMAIL_HTML, "es", model)).get()
                .extracting(Rendered::locale).isEqualTo("en");
        assertThat(renderer.resolve("booking.created", TemplatePart.PUSH_TITLE, "fr-CA")).contains("fr-CA");
    }

    @Test
    void fallbackToAnotherLanguage_usesThatLanguagesPluralsAndDates() {
        // given: an Arabic recipient (3 is "few" in Arabic) reading English text
        var renderer = new TemplateRenderer(TemplateSource.directory(ShippedTemplates.DIR), catalog);
        Map<String, Object> model = TemplateModel.of(sample("booking.created"), "ar", "UTC");

        // when
        Optional<Rendered> body = renderer.render("user.signup", TemplatePart.PUSH_BODY, "ar", model);
        String english = new TemplateRenderer(TemplateSource.directory(ShippedTemplates.DIR), catalog)
                .render("booking.created", TemplatePart.PUSH_BODY, "en", TemplateModel.forTemplateLocale(model, "en")).orElseThrow().text();

        // then
        assertThat(body).isEmpty();
        assertThat(english).isEqualTo("Hôtel du Lac & Spa · Dec 18, 2026 · 3 nights\n");
    }

    @Test
    void missingEverywhere_isEmpty() {
        // given
        var renderer = new TemplateRenderer(TemplateSource.directory(ShippedTemplates.DIR), catalog);

        // when / then
        assertThat(renderer.render("email.send", TemplatePart.PUSH_TITLE, "fr", Map.of())).isEmpty();
    }

    @Test
    void partial_isRefusedAtCompileTime() throws IOException {
        // given
        Path dir = ShippedTemplates.copyTo(temp);
        Files.writeString(dir.resolve("email.send/en/email.subject.mustache"), "{{> ../../etc/passwd}}");
        var renderer = new TemplateRenderer(TemplateSource.directory(dir), catalog);

        // when / then
        assertThatThrownBy(() -> renderer.render("email.send", TemplatePart.EMAIL_SUBJECT, "en", Map.of()))
                .isInstanceOf(MustacheException.class).hasMessageContaining("partial");
    }

    @Test
    void classpath_carriesEveryShippedFile() throws IOException {
        // given
        TemplateSource classpath = TemplateSource.classpath();

        // when / then
        try (var files = Files.walk(ShippedTemplates.DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".mustache") || f.endsWith("sample.json"))
                    .filter(f -> !ShippedTemplates.DIR.relativize(f).startsWith("src"))
                    .filter(f -> !ShippedTemplates.DIR.relativize(f).startsWith("target")).toList()) {
                String relative = ShippedTemplates.DIR.relativize(file).toString().replace('\\', '/');
                assertThat(classpath.read(relative)).as(relative).contains(Files.readString(file));
            }
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode sample(String type) {
        try {
            return Json.parse(Files.readString(ShippedTemplates.DIR.resolve(type).resolve("sample.json")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
