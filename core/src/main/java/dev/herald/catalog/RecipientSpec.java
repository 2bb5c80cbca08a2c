package dev.herald.catalog;

import dev.herald.json.JsonPath;

/** Where a notification type finds its recipients in the event. */
public record RecipientSpec(Kind kind, JsonPath path) {

    public enum Kind {
        /** The path holds one recipient id or a list of ids; profiles come from the recipients table. */
        USER_ID("userId"),
        /** The path holds an email address (or a list): a direct send that needs no profile. */
        EMAIL("email"),
        /** The path holds a topic name; its members are the recipients. */
        TOPIC("topic");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        /** The key used in catalog.yaml, e.g. {@code recipients: {userId: detail.userId}}. */
        public String key() {
            return key;
        }
    }
}
