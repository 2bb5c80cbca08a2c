package dev.herald.recipient;

import dev.herald.catalog.Channel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A recipient id with everything stored for it: the profile if there is one, devices, topics, and the channels the
 * recipient unsubscribed from per category through Herald's own one-click links. Those are kept apart from the
 * profile because a {@code Recipient Upserted} event replaces the profile whole.
 */
public record Recipient(String id, Optional<RecipientProfile> profile, List<Device> devices, Set<String> topics,
                        Map<String, Set<Channel>> unsubscribed) {

    public Recipient {
        devices = List.copyOf(devices);
        topics = Set.copyOf(topics);
        unsubscribed = Map.copyOf(unsubscribed);
    }
}
