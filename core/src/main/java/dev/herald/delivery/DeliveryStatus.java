package dev.herald.delivery;

/**
 * Where a delivery is. {@code PENDING → SENDING → SENT | FAILED | SKIPPED}; an in-app (WebSocket) item then moves to
 * {@code READ} when the user reads it. A transient failure returns {@code SENDING} to {@code PENDING} for a retry.
 * A delivery that waits (a delay, quiet hours, an escalation) starts {@code SCHEDULED} with its due time, and moves
 * to {@code PENDING} when it is due, or to {@code SKIPPED} when something withdraws it first.
 */
public enum DeliveryStatus {
    SCHEDULED,
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

    /** States that {@code Delivery Status} events report: the final ones, and a wait with its due time. */
    public boolean isReported() {
        return isFinal() || this == SCHEDULED;
    }
}
