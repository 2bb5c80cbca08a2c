package dev.herald.schedule;

/**
 * Wakes Herald at a time to come: in AWS through an EventBridge Scheduler one-time schedule (or the due queue at once,
 * when the time has come), in herald local through the same APIs' stand-ins. Waking is at-least-once, so whatever handles a wake-up must be
 * idempotent; scheduling the same wake-up twice is harmless.
 */
@FunctionalInterface
public interface Waker {

    /** Arranges for {@code wakeUp} to reach the due queue at {@link WakeUp#due()}, or at once when that has passed. */
    void wake(WakeUp wakeUp);
}
