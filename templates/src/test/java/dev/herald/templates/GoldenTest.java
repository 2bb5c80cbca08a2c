package dev.herald.templates;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped type × locale, rendered with its sample.json, must equal the committed output under
 * {@code src/test/resources/golden/<type>/<locale>/<part>}. After an intended change, regenerate with
 * {@code mvn test -pl templates -Dtest=GoldenTest -Dherald.updateGoldens=true} and review the diff.
 */
class GoldenTest {

    static final List<String> LOCALES = List.of("en", "fr", "fr-CA", "ar");
    static final Path GOLDEN = Path.of("src/test/resources/golden");
    static final boolean UPDATE = Boolean.getBoolean("herald.updateGoldens");

    static Stream<Arguments> typesAndLocales() {
        List<Arguments> cases = new ArrayList<>();
        for (String type : List.of("booking.created", "user.signup", "email.send")) {
            LOCALES.forEach(locale -> cases.add(Arguments.of(type, locale)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("typesAndLocales")
    void rendersAsCommitted(String type, String locale) throws IOException {
        // given
        TemplatePreview preview = TemplatePreview.directory(ShippedTemplates.DIR);

        // when
        Map<TemplatePart, Rendered> parts = preview.render(type, locale).parts();

        // then
        Path dir = GOLDEN.resolve(type).resolve(locale);
        assertThat(parts).as("rendered parts of %s %s", type, locale).isNotEmpty();
        for (var entry : parts.entrySet()) {
            Path golden = dir.resolve(entry.getKey().id());
            String actual = entry.getValue().text();
            if (UPDATE) {
                Files.createDirectories(dir);
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
            }
            assertThat(golden).as("golden file %s (regenerate with -Dherald.updateGoldens=true)", golden).exists();
            assertThat(actual).as(golden.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
        }
        try (Stream<Path> committed = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            assertThat(committed.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("golden parts of %s %s", type, locale)
                    .isEqualTo(parts.keySet().stream().map(TemplatePart::id).sorted().toList());
        }
    }
}
