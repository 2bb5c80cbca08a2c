package dev.herald.recipient.preferences;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What a recipient's preferences are, as they see and set them (the same JSON over HTTP and the socket): the locale,
 * time zone, quiet hours and digest routing uses for them, and per category of the catalog whether each channel its
 * types use is on. A critical category is locked, every channel on. Nulls are written: {@code "locale": null} means
 * none is set.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Preferences(String recipientId, String locale, String timeZone, Window quietHours, String digest, List<Category> categories) {

    public Preferences {
        categories = List.copyOf(categories);
    }

    /** Quiet hours as {@code HH:mm} in the recipient's time zone; an end before the start runs past midnight. */
    public record Window(String start, String end) {
    }

    /** @param channels the channels the category's types use, in Herald's channel order, each on or off */
    public record Category(String id, boolean critical, boolean locked, Map<String, Boolean> channels) {
    }
}
