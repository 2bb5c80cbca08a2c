package dev.herald.queue;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a failed message waits before its next attempt: {@code base × 2^(attempt-1)}, capped at 15 minutes, with
 * jitter over the upper half so that a burst of failures does not come back as a burst.
 */
public record RetryBackoff(Duration base) {

    /** In AWS: 5 s, 10 s, 20 s, … which spreads a queue's five receives over about two and a half minutes. */
    public static final RetryBackoff DEFAULT = new RetryBackoff(Duration.ofSeconds(5));
    private static final Duration CAP = Duration.ofMinutes(15);

    public RetryBackoff {
        if (base.isNegative()) {
            throw new IllegalArgumentException("a retry backoff cannot be negative: " + base);
        }
    }

    /** The wait after the {@code attempt}-th receive failed (1 for the first). */
    public Duration after(int attempt) {
        long baseMillis = base.toMillis();
        if (baseMillis == 0) {
            return Duration.ZERO;
        }
        int doublings = Math.min(Math.max(0, attempt - 1), 20);
        long full = Math.min(CAP.toMillis(), baseMillis << doublings);
        long jittered = full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
        // SQS takes whole seconds; round up so that a wait is never shorter than half the step
        return Duration.ofSeconds(Math.max(1, (jittered + 999) / 1000));
    }
}
