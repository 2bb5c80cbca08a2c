package dev.herald.channel.websocket;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A user's in-app inbox: the WebSocket deliveries kept in the deliveries table. {@code sync} returns the items the
 * user has not read, both those sent live and those that waited for a connection (which it marks as handed over);
 * {@code read} marks one READ. A user only ever sees and touches their own items: every lookup is keyed by the
 * connection's user, never by anything the client sends. Thread-safe.
 */
public final class Inbox {

    /** Room kept for the reply's envelope ({@code action}, {@code cursor}, {@code more}). */
    private static final int ENVELOPE_BYTES = 512;

    private final DeliveryRepository deliveries;

    public Inbox(DeliveryRepository deliveries) {
        this.deliveries = deliveries;
    }

    /**
     * One page of unread items after {@code since}, oldest first, small enough for one WebSocket message.
     * {@code cursor} is where the next page starts; {@code more} says whether to ask for it.
     */
    public SyncPage sync(String userId, String since, int limit) {
        List<Delivery> scanned = deliveries.inbox(userId, since, limit);
        List<JsonNode> items = new ArrayList<>();
        List<DeliveryKey> waiting = new ArrayList<>();
        String cursor = since;
        String beforeInFlight = null;
        int budget = WebSocketLimits.MAX_MESSAGE_BYTES - ENVELOPE_BYTES;
        boolean full = false;
        for (Delivery delivery : scanned) {
            if (beforeInFlight == null && inFlight(delivery)) {
                beforeInFlight = cursor == null ? "" : cursor;
            }
            Optional<JsonNode> item = unread(delivery);
            if (item.isPresent()) {
                int size = delivery.payload().getBytes(StandardCharsets.UTF_8).length + 1;
                if (size > budget) {
                    full = true;
                    break;
                }
                budget -= size;
                items.add(item.get());
                if (delivery.status() == DeliveryStatus.PENDING) {
                    waiting.add(delivery.key());
                }
            }
            cursor = DeliveryRepository.inboxKey(delivery);
        }
        waiting.forEach(deliveries::markSynced);
        boolean more = full || scanned.size() == limit;
        if (!more && beforeInFlight != null) {
            // A delivery the channel has not handled yet may still end up waiting for this user (if they go offline
            // first). The cursor stays before it, so the next sync looks again; the client drops the repeats by id.
            // Only on a last page: a client that pages on "more" must always move forward.
            cursor = beforeInFlight.isEmpty() ? null : beforeInFlight;
        }
        return new SyncPage(items, cursor, more);
    }

    /**
     * Created but not yet handled by the channel: no item yet, but there may be one soon. A SCHEDULED item (delayed)
     * too: the cursor must not pass it, or the item, once released to a user who is offline, would never be synced.
     */
    private static boolean inFlight(Delivery delivery) {
        return delivery.status() == DeliveryStatus.SENDING || delivery.status() == DeliveryStatus.SCHEDULED
                || (delivery.status() == DeliveryStatus.PENDING && delivery.payload() == null);
    }

    /** Marks the user's item READ; false when the user has no item with this id. */
    public boolean read(String userId, String itemId) {
        return InboxItem.keyOf(itemId, userId).map(key -> deliveries.markRead(key, userId)).orElse(false);
    }

    /**
     * The item of a delivery the user should see: sent but not read, or waiting for a connection. Deliveries that
     * are still being sent, or failed, or have no payload yet are left out; the channel is still on them.
     */
    private static Optional<JsonNode> unread(Delivery delivery) {
        boolean visible = delivery.status() == DeliveryStatus.SENT || delivery.status() == DeliveryStatus.PENDING;
        if (!visible || delivery.payload() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.parse(delivery.payload()));
        } catch (InvalidJsonException corrupt) {
            return Optional.empty();
        }
    }

    /** A {@code sync} reply, exactly as the client receives it: {@code {"action":"sync","items":[…],"cursor":…,"more":…}}. */
    public record SyncPage(String action, List<JsonNode> items, @JsonInclude(JsonInclude.Include.ALWAYS) String cursor, boolean more) {

        public SyncPage(List<JsonNode> items, String cursor, boolean more) {
            this("sync", items, cursor, more);
        }

        public SyncPage {
            items = List.copyOf(items);
        }
    }
}
