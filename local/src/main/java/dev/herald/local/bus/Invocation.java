package dev.herald.local.bus;

import java.nio.charset.StandardCharsets;

/** One asynchronous invocation of a target: its payload and the event it belongs to (for the events log). */
public record Invocation(String id, String target, byte[] payload, String eventId) {

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
