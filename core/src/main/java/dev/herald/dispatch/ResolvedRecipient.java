package dev.herald.dispatch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.herald.catalog.Channel;
import dev.herald.recipient.Device;
import dev.herald.recipient.RecipientProfile;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A recipient as enrichment resolved it. {@code profile} is null for an id without a profile and for a direct
 * send; {@code email} is the address to use (the profile's, or the event's for a direct send), or null;
 * {@code unsubscribed} holds the channels turned off per category through Herald's one-click unsubscribe links,
 * which apply with or without a profile.
 */
public record ResolvedRecipient(String id, RecipientProfile profile, List<Device> devices, String email, boolean emailSuppressed,
                                // left out of the JSON when empty: enrichment hands thousands of recipients to the processor
                                @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Set<Channel>> unsubscribed) {

    public ResolvedRecipient {
        devices = devices == null ? List.of() : List.copyOf(devices);
        unsubscribed = unsubscribed == null ? Map.of() : Map.copyOf(unsubscribed);
    }

    /** A recipient who never used an unsubscribe link. */
    public ResolvedRecipient(String id, RecipientProfile profile, List<Device> devices, String email, boolean emailSuppressed) {
        this(id, profile, devices, email, emailSuppressed, Map.of());
    }

    public List<Device> enabledDevices() {
        return devices.stream().filter(Device::enabled).toList();
    }

    /** Whether the recipient turned this channel off for this category, in the profile or with an unsubscribe link. */
    public boolean optedOut(String category, Channel channel) {
        return (profile != null && profile.optedOut(category, channel))
                || unsubscribed.getOrDefault(category, Set.of()).contains(channel);
    }
}
