package dev.herald.recipient;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A recipient id with everything stored for it: the profile if there is one, devices and topics. */
public record Recipient(String id, Optional<RecipientProfile> profile, List<Device> devices, Set<String> topics) {

    public Recipient {
        devices = List.copyOf(devices);
        topics = Set.copyOf(topics);
    }
}
