package dev.herald.schedule;

import dev.herald.dispatch.Dispatch;
import java.time.Instant;

/**
 * Deliveries that wait for the same time: one dispatch's worth of recipients of one notification on one channel,
 * whose delivery records are SCHEDULED. When it is due, each recipient's delivery is released (or withdrawn), and the
 * released ones are handed to the channel as a dispatch.
 *
 * @param id     unique within the notification, and the same whenever the same unit is scheduled again, so that a
 *               retried unit stores no second wait
 * @param reason    why it waits: {@code delayed}, {@code quiet_hours} or {@code escalation}
 * @param cancelKey the event's value at its type's {@code cancelOn.match}, or null
 */
public record Wait(String notificationId, String id, String reason, Instant dueAt, Dispatch dispatch, String cancelKey) {

    /** The same deliveries, due at another time (their quiet hours changed). */
    public Wait dueAt(Instant newDue) {
        return new Wait(notificationId, id, reason, newDue, dispatch, cancelKey);
    }

    public WakeUp wakeUp() {
        return new WakeUp(WakeUp.Kind.WAIT, notificationId, id, dueAt);
    }
}
