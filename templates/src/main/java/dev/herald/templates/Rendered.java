package dev.herald.templates;

/** A rendered part, with the locale whose file was used (after fallback). */
public record Rendered(String text, String locale) {
}
