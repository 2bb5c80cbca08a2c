package dev.herald.recipient;

import dev.herald.catalog.Channel;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What Herald knows about a recipient, as maintained by {@code Recipient Upserted} events.
 *
 * @param optOuts channels the recipient turned off, per category
 */
public record RecipientProfile(String id, String locale, String timeZone, String email, String displayName,
                               Map<String, Set<Channel>> optOuts, QuietHours quietHours, Instant updatedAt) {

    public RecipientProfile {
        optOuts = optOuts == null ? Map.of() : Map.copyOf(optOuts);
    }

    /** A recipient the app has told Herald nothing about: no profile fields at all. */
    public static RecipientProfile empty(String id) {
        return new RecipientProfile(id, null, null, null, null, Map.of(), null, null);
    }

    public boolean optedOut(String category, Channel channel) {
        return optOuts.getOrDefault(category, Set.of()).contains(channel);
    }
}
