package dev.herald.catalog;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a type uses its list of channels. */
public enum DeliveryStrategy {
    /** Every channel that can reach the recipient gets the notification. */
    ALL("all"),
    /** The first channel that can reach the recipient gets it; the next one in the list takes over when one cannot. */
    FIRST("first");

    private final String id;

    DeliveryStrategy(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }
}
