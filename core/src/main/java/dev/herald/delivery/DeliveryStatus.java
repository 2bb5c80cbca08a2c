package dev.herald.delivery;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a delivery is. {@code PENDING → SENDING → SENT | FAILED | SKIPPED}. A transient failure returns
 * {@code SENDING} to {@code PENDING} for a retry. A delivery that waits (a delay, quiet hours, an escalation) starts
 * {@code SCHEDULED} with its due time, and moves to {@code PENDING} when it is due, or to {@code SKIPPED} when
 * something withdraws it first.
 * <p>
 * After SENT, what the recipient did with it: an email moves on to {@code DELIVERED}, {@code OPENED} and
 * {@code CLICKED} as SES reports them (never back); an in-app item moves to {@code READ} or {@code ARCHIVED}, and
 * back to {@code SENT} when the user marks it unread or takes it out of the archive unread.
 */
public enum DeliveryStatus {
    SCHEDULED,
    PENDING,
    SENDING,
    SENT,
    FAILED,
    SKIPPED,
    READ,
    DELIVERED,
    OPENED,
    CLICKED,
    ARCHIVED;

    /** The states of a delivery that went out: SENT, and what the recipient did with it since. */
    public static final Set<DeliveryStatus> WENT_OUT = EnumSet.of(SENT, DELIVERED, OPENED, CLICKED, READ, ARCHIVED);

    /** Final states: nothing will be sent for this delivery any more. */
    public boolean isFinal() {
        return WENT_OUT.contains(this) || this == FAILED || this == SKIPPED;
    }

    /** States that {@code Delivery Status} events report: the final ones, and a wait with its due time. */
    public boolean isReported() {
        return isFinal() || this == SCHEDULED;
    }

    /**
     * The order of an email's engagement, {@code SENT < DELIVERED < OPENED < CLICKED}; -1 for any other state. SES can
     * report a click before the open it implies, or a delivery after the open, so a delivery only ever moves up it.
     */
    public int engagement() {
        return switch (this) {
            case SENT -> 0;
            case DELIVERED -> 1;
            case OPENED -> 2;
            case CLICKED -> 3;
            default -> -1;
        };
    }
}
