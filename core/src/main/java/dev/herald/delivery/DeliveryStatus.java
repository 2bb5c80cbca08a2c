package dev.herald.delivery;

/**
 * Where a delivery is. {@code PENDING → SENDING → SENT | FAILED | SKIPPED}; an in-app (WebSocket) item then moves to
 * {@code READ} when the user reads it. A transient failure returns {@code SENDING} to {@code PENDING} for a retry.
 */
public enum DeliveryStatus {
    PENDING,
    SENDING,
    SENT,
    FAILED,
    SKIPPED,
    READ;

    /** Final states: nothing will be sent for this delivery any more. */
    public boolean isFinal() {
        return this == SENT || this == FAILED || this == SKIPPED || this == READ;
    }
}
