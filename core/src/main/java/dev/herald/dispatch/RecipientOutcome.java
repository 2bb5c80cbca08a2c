package dev.herald.dispatch;

/** What a channel did for one recipient of a dispatch. */
public enum RecipientOutcome {
    /** Sent: the delivery is SENT. */
    SENT,
    /** Kept for later, e.g. an in-app item waiting in the inbox for the next sync. */
    WAITING,
    SKIPPED,
    FAILED,
    /** Another invocation claimed this delivery first; nothing was sent. */
    ALREADY_HANDLED,
    /** A server error or a timeout: the delivery is PENDING again, for the retry. */
    TRANSIENT,
    /**
     * The provider was busy, or the channel's send rate left no room: the delivery is PENDING (or was never
     * claimed), and goes back to the queue for later. Never a failure, never a DLQ entry.
     */
    THROTTLED
}
