package dev.herald.recipient.preferences;

import java.time.Instant;
import java.util.List;

/**
 * The detail of {@code Recipient Preferences Changed} (source {@code herald}): whose preferences changed, which
 * fields ({@code locale}, {@code timeZone}, {@code quietHours}, {@code digest}, {@code categories.<id>.<channel>}),
 * and the preferences as they are now.
 */
public record PreferencesChangedEvent(String recipientId, List<String> changed, Preferences preferences, Instant at) {

    public static final String DETAIL_TYPE = "Recipient Preferences Changed";

    public PreferencesChangedEvent {
        changed = List.copyOf(changed);
    }
}
