package dev.herald.inbox;

import dev.herald.delivery.DeliveryRepository;

/**
 * A part of a user's inbox index: the {@code byRecipient} sort key starts with its prefix, so each part is one key
 * range, and listing unread or archived items, or marking all read, reads only the items concerned.
 */
public enum InboxPart {
    /** Unseen and seen items, and items still being delivered (not in the inbox yet). */
    UNREAD(DeliveryRepository.UNREAD_PART),
    READ("r"),
    ARCHIVED("a");

    private final String prefix;

    InboxPart(String prefix) {
        this.prefix = prefix;
    }

    /** The index sort key of the item at {@code position} in this part. */
    public String key(String position) {
        return prefix + "#" + position;
    }

    /** The position of an index sort key, in whichever part. */
    public static String position(String key) {
        return key.substring(key.indexOf('#') + 1);
    }

    /** Lowest key of the part. */
    String first() {
        return prefix + "#";
    }

    /** A key above every key of the part: '$' follows '#'. */
    String last() {
        return prefix + "$";
    }
}
