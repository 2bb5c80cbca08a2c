package dev.herald.processor;

import dev.herald.catalog.Channel;
import dev.herald.catalog.DeliveryStrategy;
import dev.herald.catalog.NotificationType;
import dev.herald.delivery.DeliveryReason;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.recipient.RecipientProfile;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, per recipient, which channels a notification goes to. Pure: no I/O, so every rule is unit-tested.
 *
 * <ul>
 *   <li>A channel that needs a contact point the recipient lacks (no device, no address, suppressed address) cannot
 *       reach them; with {@code delivery: first} the next channel takes over.</li>
 *   <li>An opt-out for the type's category skips that channel, unless the type is critical: the profile's, or one
 *       recorded by Herald's one-click unsubscribe link, which counts for recipients without a profile too.</li>
 *   <li>During the recipient's quiet hours, non-critical push and email are skipped ({@code quiet_hours}); the
 *       in-app inbox still receives the notification where the type uses it.</li>
 * </ul>
 */
final class Router {

    List<Route> route(NotificationType type, ResolvedRecipient recipient, Instant now) {
        List<Route> routes = new ArrayList<>();
        for (Channel channel : type.channels()) {
            String reason = obstacle(type, recipient, channel, now);
            routes.add(reason == null ? Route.send(recipient, channel) : Route.skip(recipient, channel, reason));
            if (reason == null && type.delivery() == DeliveryStrategy.FIRST) {
                break;
            }
        }
        return routes;
    }

    private static String obstacle(NotificationType type, ResolvedRecipient recipient, Channel channel, Instant now) {
        RecipientProfile profile = recipient.profile();
        String contactProblem = switch (channel) {
            case WEBSOCKET -> null; // any known user id: the in-app inbox keeps it until they connect
            case PUSH -> recipient.enabledDevices().isEmpty() ? DeliveryReason.NO_DEVICE : null;
            case EMAIL -> recipient.email() == null ? DeliveryReason.NO_ADDRESS
                    : recipient.emailSuppressed() ? DeliveryReason.SUPPRESSED : null;
        };
        if (contactProblem != null) {
            return contactProblem;
        }
        if (type.isCritical()) {
            return null;
        }
        if (recipient.optedOut(type.category(), channel)) {
            return DeliveryReason.OPTED_OUT;
        }
        if (channel != Channel.WEBSOCKET && profile != null && profile.quietHours() != null
                && profile.quietHours().contains(now.atZone(zone(profile)).toLocalTime())) {
            return DeliveryReason.QUIET_HOURS;
        }
        return null;
    }

    private static ZoneId zone(RecipientProfile profile) {
        try {
            return profile.timeZone() == null ? ZoneOffset.UTC : ZoneId.of(profile.timeZone());
        } catch (java.time.DateTimeException unknownZone) {
            return ZoneOffset.UTC;
        }
    }
}
