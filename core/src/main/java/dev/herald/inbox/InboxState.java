package dev.herald.inbox;

import dev.herald.delivery.DeliveryStatus;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an in-app item is for its user. An item enters the inbox UNSEEN; opening the inbox makes it SEEN; the user
 * READs it, can mark it unread again (back to SEEN) and ARCHIVE it, from any state. Each state sorts the item into
 * one part of the user's inbox index: unread (UNSEEN, SEEN), read or archived.
 */
public enum InboxState {
    UNSEEN,
    SEEN,
    READ,
    ARCHIVED;

    /** The name the browser sees: {@code unseen}, {@code seen}, {@code read}, {@code archived}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<InboxState> fromId(String id) {
        for (InboxState state : values()) {
            if (state.id().equals(id)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }

    /** Counts towards the unread badge: neither read nor archived. */
    public boolean unread() {
        return this == UNSEEN || this == SEEN;
    }

    /** The part of the inbox index the item sorts into. */
    public InboxPart part() {
        return switch (this) {
            case UNSEEN, SEEN -> InboxPart.UNREAD;
            case READ -> InboxPart.READ;
            case ARCHIVED -> InboxPart.ARCHIVED;
        };
    }

    /**
     * The delivery status that records this state, given the status before: READ and ARCHIVED are recorded on the
     * delivery; an item back among the unread ones went out, so it is SENT, unless it still waits to be handed over.
     */
    DeliveryStatus status(DeliveryStatus before) {
        return switch (this) {
            case READ -> DeliveryStatus.READ;
            case ARCHIVED -> DeliveryStatus.ARCHIVED;
            case UNSEEN, SEEN -> before == DeliveryStatus.PENDING ? DeliveryStatus.PENDING : DeliveryStatus.SENT;
        };
    }
}
