package dev.herald.templates;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Set;

/**
 * CLDR plural categories (the rules ICU's {@code PluralRules} implements), for the languages Herald ships templates
 * in and a few common others. {@code java.text} has no plural rules, and ICU4J is a 13 MB dependency every Lambda jar
 * would carry, so the rules are written out here from CLDR's {@code plurals.xml}.
 *
 * <p>Languages not listed fall back to the English rule ({@code one} for exactly 1, else {@code other}), which a
 * template can always handle: it must render both {@code one} and {@code other} anyway.
 *
 * <p>Operands follow CLDR: {@code n} the absolute value, {@code i} its integer digits, {@code v} the number of
 * visible fraction digits (so {@code 1.0} is not {@code one} in English, as in CLDR).
 */
public final class PluralRules {

    /** CLDR's six categories; every number falls in exactly one per language. */
    public enum Category {
        ZERO, ONE, TWO, FEW, MANY, OTHER;

        /** The name templates use, e.g. {@code {{#nights.few}}}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Set<String> NO_PLURALS = Set.of("ja", "zh", "ko", "th", "vi", "id", "ms", "lo", "my", "km");
    private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);

    private PluralRules() {
    }

    /** The category of {@code number} in the language of {@code languageTag} (BCP 47; only the language counts). */
    public static Category select(String languageTag, BigDecimal number) {
        String language = languageTag == null ? "en" : Locale.forLanguageTag(languageTag.replace('_', '-')).getLanguage();
        String region = languageTag == null ? "" : Locale.forLanguageTag(languageTag.replace('_', '-')).getCountry();
        BigDecimal n = number.abs();
        BigInteger i = n.toBigInteger();
        int v = Math.max(0, n.scale());
        boolean integer = v == 0 || n.stripTrailingZeros().scale() <= 0;
        long i10 = i.mod(BigInteger.TEN).longValue();
        long i100 = i.mod(BigInteger.valueOf(100)).longValue();
        boolean millions = v == 0 && i.signum() != 0 && i.mod(MILLION).signum() == 0;
        if (NO_PLURALS.contains(language)) {
            return Category.OTHER;
        }
        return switch (language) {
            case "fr" -> i.compareTo(BigInteger.ONE) <= 0 ? Category.ONE : millions ? Category.MANY : Category.OTHER;
            case "es", "it", "ca" -> {
                boolean one = language.equals("es") ? n.compareTo(BigDecimal.ONE) == 0 : i.equals(BigInteger.ONE) && v == 0;
                yield one ? Category.ONE : millions ? Category.MANY : Category.OTHER;
            }
            case "pt" -> {
                boolean one = region.equals("PT") ? i.equals(BigInteger.ONE) && v == 0 : i.compareTo(BigInteger.ONE) <= 0;
                yield one ? Category.ONE : millions ? Category.MANY : Category.OTHER;
            }
            case "ar" -> {
                if (!integer) {
                    yield Category.OTHER;
                }
                long whole = n.toBigInteger().mod(BigInteger.valueOf(100)).longValue();
                if (n.signum() == 0) {
                    yield Category.ZERO;
                } else if (n.compareTo(BigDecimal.ONE) == 0) {
                    yield Category.ONE;
                } else if (n.compareTo(BigDecimal.TWO) == 0) {
                    yield Category.TWO;
                } else if (whole >= 3 && whole <= 10) {
                    yield Category.FEW;
                } else if (whole >= 11) {
                    yield Category.MANY;
                }
                yield Category.OTHER;
            }
            case "ru", "uk" -> {
                if (v != 0) {
                    yield Category.OTHER;
                } else if (i10 == 1 && i100 != 11) {
                    yield Category.ONE;
                } else if (i10 >= 2 && i10 <= 4 && (i100 < 12 || i100 > 14)) {
                    yield Category.FEW;
                }
                yield Category.MANY;
            }
            case "pl" -> {
                if (v != 0) {
                    yield Category.OTHER;
                } else if (i.equals(BigInteger.ONE)) {
                    yield Category.ONE;
                } else if (i10 >= 2 && i10 <= 4 && (i100 < 12 || i100 > 14)) {
                    yield Category.FEW;
                }
                yield Category.MANY;
            }
            default -> {
                // English's rule, which CLDR also gives de, nl, sv, da, nb, fi, et, el, hu, tr and others
                yield i.equals(BigInteger.ONE) && v == 0 ? Category.ONE : Category.OTHER;
            }
        };
    }
}
