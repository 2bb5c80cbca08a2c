package dev.herald.schedule;

import dev.herald.dispatch.Dispatch;
import java.time.Instant;
import java.util.List;

/**
 * Deliveries of one notification that wait for the same time, on any of its channels: their delivery records are
 * SCHEDULED. When it is due, each recipient's delivery is released (or withdrawn), and the released ones are handed to
 * their channels as dispatches. One wait, so one wake-up, serves every channel of a delayed notification.
 *
 * @param id         unique within the notification, derived from its due time, channels and recipients: the same unit
 *                   held again for the same time stores no second wait
 * @param reason     why it waits: {@code delayed}, {@code quiet_hours} or {@code escalation}
 * @param dispatches what to send when it is due: a dispatch per channel, of one queue message's worth each
 * @param cancelKey  the event's value at its type's {@code cancelOn.match}, or null
 * @param notBefore  for a quiet-hours wait, when it was due before quiet hours held it (e.g. its {@code sendAt}): a change
 *                   to the recipient's quiet hours never sends it earlier; null otherwise
 */
public record Wait(String notificationId, String id, String reason, Instant dueAt, List<Dispatch> dispatches, String cancelKey,
                   Instant notBefore) {

    public Wait {
        dispatches = List.copyOf(dispatches);
    }

    /** The same deliveries, due at another time (their quiet hours changed). */
    public Wait dueAt(Instant newDue) {
        return new Wait(notificationId, id, reason, newDue, dispatches, cancelKey, notBefore);
    }

    public WakeUp wakeUp() {
        return new WakeUp(WakeUp.Kind.WAIT, notificationId, id, dueAt);
    }

    /** The type of the notification that waits. */
    public String typeId() {
        return dispatches.getFirst().typeId();
    }
}
