package dev.herald.processor;

import dev.herald.catalog.Channel;
import dev.herald.catalog.DeliveryStrategy;
import dev.herald.catalog.NotificationType;
import dev.herald.catalog.Timing;
import dev.herald.delivery.DeliveryReason;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.recipient.RecipientProfile;
import java.time.DateTimeException;
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
 *   <li>A notification that waits ({@code delay}, {@code sendAt}) is routed for the time it is due; a channel that
 *       escalates ({@code after}) for that time plus its wait.</li>
 *   <li>During the recipient's quiet hours at that time, non-critical push and email are skipped
 *       ({@code quietHours: inboxOnly}, the default) or held until the quiet hours end, in the recipient's time zone
 *       ({@code defer}); the in-app inbox still receives the notification where the type uses it.</li>
 * </ul>
 */
final class Router {

    /** Routes for a notification that is due now. */
    List<Route> route(NotificationType type, ResolvedRecipient recipient, Instant now) {
        return route(type, recipient, now, now);
    }

    /** Routes for a notification received at {@code now} and due at {@code due} (its delay or sendAt). */
    List<Route> route(NotificationType type, ResolvedRecipient recipient, Instant now, Instant due) {
        List<Route> routes = new ArrayList<>();
        for (Channel channel : type.channels()) {
            Timing.Escalation escalation = type.timing().escalations().get(channel);
            Instant channelDue = escalation == null ? due : due.plus(escalation.after());
            String reason = obstacle(type, recipient, channel, channelDue);
            Route route;
            if (QUIET_DEFERRED.equals(reason)) {
                route = Route.deferred(recipient, channel, quietHoursEnd(recipient.profile(), channelDue), channelDue);
            } else if (reason != null) {
                route = Route.skip(recipient, channel, reason);
            } else if (channelDue.isAfter(now)) {
                route = Route.later(recipient, channel, channelDue, escalation == null ? DeliveryReason.DELAYED : DeliveryReason.ESCALATION);
            } else {
                route = Route.send(recipient, channel);
            }
            routes.add(route);
            if (route.sends() && type.delivery() == DeliveryStrategy.FIRST) {
                break;
            }
        }
        return routes;
    }

    /** Whether quiet hours hold back a non-critical push or email to this profile at {@code at}. */
    static boolean inQuietHours(RecipientProfile profile, Instant at) {
        return profile != null && profile.quietHours() != null && profile.quietHours().contains(at.atZone(zone(profile)).toLocalTime());
    }

    /** When the recipient's quiet hours that contain {@code at} end; {@code at} itself when they do not contain it. */
    static Instant quietHoursEnd(RecipientProfile profile, Instant at) {
        return profile == null || profile.quietHours() == null ? at : profile.quietHours().endAfter(at.atZone(zone(profile))).toInstant();
    }

    /** Marks the quiet-hours obstacle of a type that defers: not a skip, a wait. */
    private static final String QUIET_DEFERRED = "quiet_hours_deferred";

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
        if (channel != Channel.WEBSOCKET && inQuietHours(profile, now)) {
            return type.timing().quietHours() == Timing.QuietHoursPolicy.DEFER ? QUIET_DEFERRED : DeliveryReason.QUIET_HOURS;
        }
        return null;
    }

    static ZoneId zone(RecipientProfile profile) {
        try {
            return profile.timeZone() == null ? ZoneOffset.UTC : ZoneId.of(profile.timeZone());
        } catch (DateTimeException unknownZone) {
            return ZoneOffset.UTC;
        }
    }
}
