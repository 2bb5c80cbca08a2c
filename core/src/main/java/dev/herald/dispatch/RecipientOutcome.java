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
    /** Throttling or a server error: the delivery is PENDING again, for the retry. */
    TRANSIENT
}
