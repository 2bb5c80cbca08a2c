package dev.herald.dispatch;

import dev.herald.recipient.Device;
import java.util.List;

/** One recipient of a channel dispatch, with just what that channel needs to reach them and render for them. */
public record DispatchRecipient(String id, String locale, String timeZone, String displayName, String email, List<Device> devices) {

    public DispatchRecipient {
        devices = devices == null ? List.of() : List.copyOf(devices);
    }
}
