package dev.herald.catalog;

import java.time.Duration;

/** At most {@code max} notifications of a category per recipient in each window of {@code per}. */
public record RateLimit(int max, Duration per) {
}
