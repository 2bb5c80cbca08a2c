package dev.herald.connection;

import java.time.Duration;
import java.time.Instant;

/** A live WebSocket connection of a user. */
public record Connection(String connectionId, String userId, Instant connectedAt) {

    /** API Gateway closes a WebSocket connection after 2 hours, so a record never needs to outlive that. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(2);

    public Instant expiresAt() {
        return connectedAt.plus(MAX_LIFETIME);
    }
}
