package dev.herald.templates;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The locales a part is looked up in, most specific first: {@code fr-CA → fr → the type's default}. */
public final class LocaleChain {

    private LocaleChain() {
    }

    public static List<String> of(String requested, String defaultLocale) {
        List<String> chain = new ArrayList<>();
        if (requested != null && !requested.isBlank()) {
            Locale locale = Locale.forLanguageTag(requested.replace('_', '-'));
            String tag = locale.toLanguageTag();
            if (!tag.equals("und")) {
                chain.add(tag);
                // walk BCP 47 subtags from the most specific down to the bare language
                String[] parts = tag.split("-");
                for (int n = parts.length - 1; n >= 1; n--) {
                    String shorter = String.join("-", java.util.Arrays.copyOf(parts, n));
                    if (!chain.contains(shorter)) {
                        chain.add(shorter);
                    }
                }
            }
        }
        if (!chain.contains(defaultLocale)) {
            chain.add(defaultLocale);
        }
        return chain;
    }
}
