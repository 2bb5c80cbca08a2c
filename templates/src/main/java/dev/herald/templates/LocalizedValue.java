package dev.herald.templates;

import java.util.LinkedHashMap;

/**
 * A value with locale-aware companions: {@code {{checkIn}}} renders the value as the event carried it, while
 * {@code {{checkIn.formatted}}} and the other keys render what {@link TemplateModel} computed for the recipient.
 * A map (rather than an object with getters) so that mustache.java and SES's Handlebars resolve it the same way.
 */
final class LocalizedValue extends LinkedHashMap<String, Object> {

    private final String raw;

    LocalizedValue(String raw) {
        this.raw = raw;
    }

    String raw() {
        return raw;
    }

    @Override
    public String toString() {
        return raw;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocalizedValue other && raw.equals(other.raw) && super.equals(o);
    }

    @Override
    public int hashCode() {
        return raw.hashCode() * 31 + super.hashCode();
    }
}
