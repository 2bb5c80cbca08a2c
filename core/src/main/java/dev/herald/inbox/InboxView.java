package dev.herald.inbox;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The views a user lists: unread items, all items but the archived ones, or the archive. */
public enum InboxView {
    UNREAD(List.of(InboxPart.UNREAD)),
    ALL(List.of(InboxPart.UNREAD, InboxPart.READ)),
    ARCHIVED(List.of(InboxPart.ARCHIVED));

    private final List<InboxPart> parts;

    InboxView(List<InboxPart> parts) {
        this.parts = parts;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<InboxView> fromId(String id) {
        for (InboxView view : values()) {
            if (view.id().equals(id)) {
                return Optional.of(view);
            }
        }
        return Optional.empty();
    }

    List<InboxPart> parts() {
        return parts;
    }

    /** Whether an item in {@code state} belongs in this view. */
    boolean shows(InboxState state) {
        return parts.contains(state.part());
    }
}
