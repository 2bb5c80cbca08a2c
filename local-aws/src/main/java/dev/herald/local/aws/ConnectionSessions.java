package dev.herald.local.aws;

import java.time.Instant;
import java.util.Optional;

/** The live WebSocket connections the Management API stand-in talks to; the gateway implements it. */
public interface ConnectionSessions {

    /** What {@code GET @connections/{id}} reports. */
    record Info(String connectionId, String userId, Instant connectedAt, Instant lastActiveAt, String sourceIp, String userAgent) {
    }

    /** Sends one frame; false when the connection is gone. Throws when the write failed for another reason. */
    boolean send(String connectionId, byte[] data);

    Optional<Info> info(String connectionId);

    /** Closes the connection; false when it was already gone. */
    boolean close(String connectionId);
}
