package dev.herald.recipient;

import dev.herald.catalog.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What Herald knows about a recipient, as maintained by {@code Recipient Upserted} events.
 *
 * @param optOuts channels the recipient turned off, per category
 * @param digest  how often the recipient wants digests, {@code hourly} or {@code daily}, which they chose themselves;
 *                null for each type's own window
 */
public record RecipientProfile(String id, String locale, String timeZone, String email, String displayName,
                               Map<String, Set<Channel>> optOuts, QuietHours quietHours, Instant updatedAt, String digest) {

    /** The digest windows a recipient can choose instead of each type's own. */
    public static final Map<String, Duration> DIGEST_WINDOWS = Map.of("hourly", Duration.ofHours(1), "daily", Duration.ofDays(1));

    public RecipientProfile {
        optOuts = optOuts == null ? Map.of() : Map.copyOf(optOuts);
    }

    /** A profile as the app sends it: the digest frequency is the recipient's own choice, never the app's. */
    public RecipientProfile(String id, String locale, String timeZone, String email, String displayName,
                            Map<String, Set<Channel>> optOuts, QuietHours quietHours, Instant updatedAt) {
        this(id, locale, timeZone, email, displayName, optOuts, quietHours, updatedAt, null);
    }

    /** The window of a digest for this recipient: the one they chose, or the type's ({@code typeWindow}). */
    public Duration digestWindow(Duration typeWindow) {
        return digest == null ? typeWindow : DIGEST_WINDOWS.getOrDefault(digest, typeWindow);
    }

    /** A recipient the app has told Herald nothing about: no profile fields at all. */
    public static RecipientProfile empty(String id) {
        return new RecipientProfile(id, null, null, null, null, Map.of(), null, null);
    }

    public boolean optedOut(String category, Channel channel) {
        return optOuts.getOrDefault(category, Set.of()).contains(channel);
    }
}
