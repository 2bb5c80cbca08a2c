package dev.herald.local.aws;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * WebSocket connections for tests of the Management API's callers: every connection id is live, and records the
 * frames posted to it, until it is {@linkplain #close closed}; from then on it is gone (410), as a client that
 * disconnected is. Thread-safe.
 */
public final class RecordingConnections implements ConnectionSessions {

    private final Clock clock;
    private final Map<String, List<String>> frames = new ConcurrentHashMap<>();
    private final Set<String> gone = ConcurrentHashMap.newKeySet();

    public RecordingConnections(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean send(String connectionId, byte[] data) {
        if (gone.contains(connectionId)) {
            return false;
        }
        frames.computeIfAbsent(connectionId, id -> new CopyOnWriteArrayList<>()).add(new String(data, StandardCharsets.UTF_8));
        return true;
    }

    @Override
    public Optional<Info> info(String connectionId) {
        return gone.contains(connectionId) ? Optional.empty()
                : Optional.of(new Info(connectionId, null, clock.instant(), clock.instant(), "127.0.0.1", "herald-test"));
    }

    /** The connection is gone from now on: posts to it answer 410 GoneException. */
    @Override
    public boolean close(String connectionId) {
        return gone.add(connectionId);
    }

    /** The frames posted to this connection, in order, as UTF-8 text. */
    public List<String> framesFor(String connectionId) {
        return List.copyOf(frames.getOrDefault(connectionId, List.of()));
    }

    public int totalFrames() {
        return frames.values().stream().mapToInt(List::size).sum();
    }
}
