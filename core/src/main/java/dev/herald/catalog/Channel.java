package dev.herald.catalog;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** A way to reach a recipient. */
public enum Channel {
    WEBSOCKET("websocket", false),
    PUSH("push", true),
    EMAIL("email", true);

    private final String id;
    private final boolean needsContactPoint;

    Channel(String id, boolean needsContactPoint) {
        this.id = id;
        this.needsContactPoint = needsContactPoint;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** Push needs a device and email an address; WebSocket reaches any known user through the inbox. */
    public boolean needsContactPoint() {
        return needsContactPoint;
    }

    public static Optional<Channel> find(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }

    @JsonCreator
    public static Channel of(String id) {
        return find(id).orElseThrow(() -> new IllegalArgumentException("unknown channel '" + id + "'; expected one of " + names()));
    }

    public static String names() {
        return Arrays.stream(values()).map(Channel::id).collect(Collectors.joining(", "));
    }
}
