package dev.herald.templates;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.templates.PluralRules.Category;
import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PluralRulesTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "en, 0, OTHER", "en, 1, ONE", "en, 1.0, OTHER", "en, 2, OTHER", "en-GB, 1, ONE",
            "fr, 0, ONE", "fr, 1, ONE", "fr, 1.5, ONE", "fr, 2, OTHER", "fr, 1000000, MANY", "fr-CA, 0, ONE",
            "ar, 0, ZERO", "ar, 1, ONE", "ar, 2, TWO", "ar, 3, FEW", "ar, 10, FEW", "ar, 103, FEW", "ar, 11, MANY", "ar, 99, MANY",
            "ar, 100, OTHER", "ar, 102, OTHER", "ar, 2.5, OTHER",
            "ru, 1, ONE", "ru, 21, ONE", "ru, 11, MANY", "ru, 3, FEW", "ru, 5, MANY", "ru, 1.5, OTHER",
            "pl, 1, ONE", "pl, 22, FEW", "pl, 12, MANY",
            "ja, 1, OTHER", "xx, 1, ONE", "xx, 7, OTHER"
    })
    void select_followsCldrRules(String language, String number, Category expected) {
        // given / when
        Category category = PluralRules.select(language, new BigDecimal(number));

        // then
        assertThat(category).isEqualTo(expected);
    }
}
