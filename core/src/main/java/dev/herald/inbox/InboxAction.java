package dev.herald.inbox;

import java.util.Locale;

/** What a user does to inbox items, and the state each leaves an item in. Repeating one changes nothing. */
public enum InboxAction {
    SEEN,
    READ,
    UNREAD,
    ARCHIVE,
    UNARCHIVE;

    /** The action's name in the browser contract: {@code seen}, {@code read}, {@code unread}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state an item in state {@code from} ends in; {@code wasRead} says whether it had been read (for unarchive). */
    public InboxState apply(InboxState from, boolean wasRead) {
        return switch (this) {
            case SEEN -> from == InboxState.UNSEEN ? InboxState.SEEN : from;
            case READ -> from.unread() ? InboxState.READ : from;
            case UNREAD -> from == InboxState.READ ? InboxState.SEEN : from;
            case ARCHIVE -> InboxState.ARCHIVED;
            case UNARCHIVE -> from != InboxState.ARCHIVED ? from : wasRead ? InboxState.READ : InboxState.SEEN;
        };
    }
}
