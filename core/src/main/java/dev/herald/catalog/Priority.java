package dev.herald.catalog;

import com.fasterxml.jackson.annotation.JsonValue;

/** How urgent a notification type is. {@code CRITICAL} ignores quiet hours and opt-outs where the law allows. */
public enum Priority {
    NORMAL("normal"),
    CRITICAL("critical");

    private final String id;

    Priority(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }
}
