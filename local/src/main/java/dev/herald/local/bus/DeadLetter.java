package dev.herald.local.bus;

import java.time.Instant;

/** An invocation whose every attempt failed, kept until it is redriven. */
public record DeadLetter(String id, String target, String eventId, String payload, String error, int attempts, Instant failedAt) {
}
