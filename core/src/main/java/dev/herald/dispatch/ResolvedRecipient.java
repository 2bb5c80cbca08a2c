package dev.herald.dispatch;

import dev.herald.recipient.Device;
import dev.herald.recipient.RecipientProfile;
import java.util.List;

/**
 * A recipient as enrichment resolved it. {@code profile} is null for an id without a profile and for a direct
 * send; {@code email} is the address to use (the profile's, or the event's for a direct send), or null.
 */
public record ResolvedRecipient(String id, RecipientProfile profile, List<Device> devices, String email, boolean emailSuppressed) {

    public ResolvedRecipient {
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    public List<Device> enabledDevices() {
        return devices.stream().filter(Device::enabled).toList();
    }
}
