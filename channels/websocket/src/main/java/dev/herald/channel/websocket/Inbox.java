package dev.herald.channel.websocket;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.inbox.InboxAction;
import dev.herald.inbox.InboxState;
import dev.herald.inbox.InboxStore;
import dev.herald.inbox.InboxView;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user's in-app inbox as the browser sees it: pages of items in the documented format with their state, the
 * counts, and the user's actions on their items. A user only ever sees and touches their own items: every lookup is
 * keyed by the connection's user, never by anything the client sends. Items that waited for a connection count as
 * handed over once a page returns them. Thread-safe.
 */
public final class Inbox {

    /** Room kept for the reply's envelope ({@code action}, {@code ref}, {@code cursor}, {@code more}, {@code counts}). */
    private static final int ENVELOPE_BYTES = 512;
    /**
     * Room for what a page adds to each stored item: its state, times and the separator. With the envelope, it is less
     * than the room {@link WebSocketLimits#MAX_ITEM_BYTES} leaves, so any item the channel sends fits a page.
     */
    private static final int ITEM_EXTRA_BYTES = 160;

    private final DeliveryRepository deliveries;
    private final InboxStore store;

    public Inbox(DeliveryRepository deliveries, InboxStore store) {
        this.deliveries = deliveries;
        this.store = store;
    }

    /** A page of items as the client receives it, and where the next page starts. */
    public record Page(List<JsonNode> items, String cursor, boolean more) {

        public Page {
            items = List.copyOf(items);
        }
    }

    /**
     * One page of unread items after {@code since}, oldest first, small enough for one WebSocket message: what a client
     * catches up with after a (re)connect. {@code cursor} is where the next page starts; {@code more} says whether to
     * ask for it.
     */
    public Page sync(String userId, String since, int limit) {
        InboxStore.Page scanned = store.unreadSince(userId, since, limit);
        List<JsonNode> items = new ArrayList<>();
        List<DeliveryKey> waiting = new ArrayList<>();
        String cursor = since;
        String beforeInFlight = null;
        int budget = WebSocketLimits.MAX_MESSAGE_BYTES - ENVELOPE_BYTES;
        boolean full = false;
        for (InboxStore.Entry entry : scanned.entries()) {
            if (beforeInFlight == null && inFlight(entry.delivery())) {
                beforeInFlight = cursor == null ? "" : cursor;
            }
            Optional<JsonNode> item = entry.state().filter(InboxState::unread).flatMap(s -> item(entry));
            if (item.isPresent()) {
                int size = entry.delivery().payload().getBytes(StandardCharsets.UTF_8).length + ITEM_EXTRA_BYTES;
                if (size > budget) {
                    full = true;
                    break;
                }
                budget -= size;
                items.add(item.get());
                if (entry.delivery().status() == DeliveryStatus.PENDING) {
                    waiting.add(entry.delivery().key());
                }
            }
            cursor = entry.position();
        }
        waiting.forEach(deliveries::markSynced);
        boolean more = full || scanned.more();
        if (!more && beforeInFlight != null) {
            // A delivery the channel has not handled yet may still end up waiting for this user (if they go offline
            // first). The cursor stays before it, so the next sync looks again; the client drops the repeats by id.
            // Only on a last page: a client that pages on "more" must always move forward.
            cursor = beforeInFlight.isEmpty() ? null : beforeInFlight;
        }
        return new Page(items, cursor, more);
    }

    /**
     * Created but not yet handled by the channel: no item yet, but there may be one soon. A SCHEDULED item (delayed)
     * too: the cursor must not pass it, or the item, once released to a user who is offline, would never be synced.
     */
    private static boolean inFlight(Delivery delivery) {
        return delivery.status() == DeliveryStatus.SENDING || delivery.status() == DeliveryStatus.SCHEDULED
                || (delivery.status() == DeliveryStatus.PENDING && delivery.payload() == null);
    }

    /** A page of the user's items in {@code view}, newest first, small enough for one WebSocket message. */
    public Page list(String userId, InboxView view, String cursor, int limit) {
        InboxStore.Page page = store.list(userId, view, cursor, limit);
        List<JsonNode> items = new ArrayList<>();
        List<DeliveryKey> waiting = new ArrayList<>();
        int budget = WebSocketLimits.MAX_MESSAGE_BYTES - ENVELOPE_BYTES;
        String next = cursor;
        boolean more = page.more();
        for (InboxStore.Entry entry : page.entries()) {
            Optional<JsonNode> item = item(entry);
            if (item.isEmpty()) {
                next = entry.position();
                continue;
            }
            int size = entry.delivery().payload().getBytes(StandardCharsets.UTF_8).length + ITEM_EXTRA_BYTES;
            if (size > budget) {
                more = true;
                break;
            }
            budget -= size;
            items.add(item.get());
            if (entry.delivery().status() == DeliveryStatus.PENDING) {
                waiting.add(entry.delivery().key());
            }
            next = entry.position();
        }
        waiting.forEach(deliveries::markSynced);
        return new Page(items, more ? next : null, more);
    }

    public InboxStore.Counts counts(String userId) {
        return store.counts(userId);
    }

    /** Applies a state change to the user's items named by their ids; ids that are not theirs come back as unknown. */
    public Marked mark(String userId, InboxAction action, List<String> ids) {
        Map<DeliveryKey, String> keys = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String id : ids) {
            InboxItem.keyOf(id, userId).ifPresentOrElse(key -> keys.put(key, id), () -> unknown.add(id));
        }
        InboxStore.Outcome outcome = store.apply(userId, action, List.copyOf(keys.keySet()));
        outcome.unknown().forEach(key -> unknown.add(keys.get(key)));
        Map<String, String> states = new LinkedHashMap<>();
        outcome.applied().forEach((key, state) -> states.put(keys.get(key), state.id()));
        return new Marked(states, unknown, outcome.counts());
    }

    /** The result of {@link #mark}: the state of each of the user's items it applied to, the unknown ids, and the counts. */
    public record Marked(Map<String, String> states, List<String> unknown, InboxStore.Counts counts) {

        /** The one state every item is in now, or null when they differ (after {@code unarchive}). */
        public String state() {
            return states.values().stream().distinct().count() == 1 ? states.values().iterator().next() : null;
        }
    }

    public InboxStore.ReadAll readAll(String userId) {
        return store.readAll(userId);
    }

    /** The client's item: the stored payload with the entry's state and its times. */
    private static Optional<JsonNode> item(InboxStore.Entry entry) {
        if (entry.state().isEmpty() || entry.delivery().payload() == null) {
            return Optional.empty();
        }
        try {
            JsonNode payload = Json.parse(entry.delivery().payload());
            if (!(payload instanceof ObjectNode item)) {
                return Optional.empty();
            }
            item.put("state", entry.state().get().id());
            time(item, "seenAt", entry.seenAt());
            time(item, "readAt", entry.readAt());
            time(item, "archivedAt", entry.archivedAt());
            return Optional.of(item);
        } catch (InvalidJsonException corrupt) {
            return Optional.empty();
        }
    }

    private static void time(ObjectNode item, String field, Instant at) {
        if (at == null) {
            item.remove(field);
        } else {
            item.put(field, at.toString());
        }
    }

    /** A {@code sync} or {@code list} reply, exactly as the client receives it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PageReply(String action, String ref, String filter, List<JsonNode> items,
                            @JsonInclude(JsonInclude.Include.ALWAYS) String cursor, boolean more, InboxStore.Counts counts) {
    }
}
