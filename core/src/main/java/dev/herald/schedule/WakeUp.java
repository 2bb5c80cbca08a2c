package dev.herald.schedule;

import java.time.Instant;

/**
 * The message that wakes Herald when something waiting is due: which item to act on (a {@link Wait}, or a digest's
 * bucket) and the due time it was scheduled for. Small by design: EventBridge Scheduler carries at most 8,192
 * characters of input, so what waits is stored in DynamoDB and the wake-up only names it.
 *
 * @param due when this wake-up was scheduled for; one that no longer matches the item's due time is stale (the item was
 *            rescheduled, and woken for its new time) and does nothing
 */
public record WakeUp(Kind kind, String pk, String sk, Instant due) {

    /** What is due. */
    public enum Kind {
        /** A {@link Wait}: deliveries held until their due time. */
        WAIT,
        /** A digest's bucket, whose window has ended or which is full. */
        DIGEST
    }
}
