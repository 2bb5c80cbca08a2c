package dev.herald.queue;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces sends to a provider: evenly at {@code perSecond}, without bursts, so that no second, however it is cut,
 * sees more than one send over the rate. {@link #unlimited()} never waits. Thread-safe.
 */
public final class TokenBucket {

    private final double perSecond;
    private final double capacity;
    private double tokens;
    private long refilledAt;

    private TokenBucket(double perSecond) {
        this.perSecond = perSecond;
        // one token: a provider's per-second limit holds in every second, not only on average
        this.capacity = 1;
        this.tokens = capacity;
        this.refilledAt = System.nanoTime();
    }

    /** @param perSecond the rate; zero or less means unlimited */
    public static TokenBucket perSecond(double perSecond) {
        return perSecond <= 0 ? unlimited() : new TokenBucket(perSecond);
    }

    public static TokenBucket unlimited() {
        return new TokenBucket(Double.POSITIVE_INFINITY);
    }

    public boolean isLimited() {
        return Double.isFinite(perSecond);
    }

    public double rate() {
        return perSecond;
    }

    /** Takes a token, waiting up to {@code maxWait} for one; false when none came in time (nothing is taken). */
    public boolean tryAcquire(Duration maxWait) {
        if (!isLimited()) {
            return true;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            long waitNanos;
            synchronized (this) {
                refill();
                if (tokens >= 1) {
                    tokens -= 1;
                    return true;
                }
                waitNanos = (long) ((1 - tokens) / perSecond * 1e9);
            }
            long now = System.nanoTime();
            if (now + waitNanos > deadline) {
                return false;
            }
            LockSupport.parkNanos(waitNanos);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** About how long until {@code count} tokens have come in: the delay to give work sent back for later. */
    public Duration timeFor(int count) {
        if (!isLimited()) {
            return Duration.ZERO;
        }
        return Duration.ofMillis((long) Math.ceil(count / perSecond * 1000));
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - refilledAt) / 1e9 * perSecond);
        refilledAt = now;
    }
}
