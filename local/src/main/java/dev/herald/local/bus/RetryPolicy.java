package dev.herald.local.bus;

import java.time.Duration;
import java.util.List;

/**
 * Lambda's asynchronous retry semantics: after a failed attempt, wait and try again, once per delay; when the delays
 * run out, dead-letter. Lambda retries twice (about 1 and 2 minutes apart); herald local uses seconds by default and
 * tests use milliseconds.
 */
public record RetryPolicy(List<Duration> delays) {

    public static final RetryPolicy LOCAL_DEFAULT = new RetryPolicy(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)));

    public RetryPolicy {
        delays = List.copyOf(delays);
    }

    public static RetryPolicy ofMillis(long... delays) {
        return new RetryPolicy(java.util.Arrays.stream(delays).mapToObj(Duration::ofMillis).toList());
    }

    public int maxAttempts() {
        return delays.size() + 1;
    }

    /** The wait after failed attempt {@code attempt} (1-based). */
    public Duration delayAfter(int attempt) {
        return delays.get(attempt - 1);
    }
}
