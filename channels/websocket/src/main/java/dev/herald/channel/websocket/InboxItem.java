package dev.herald.channel.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryKey;
import dev.herald.inbox.InboxState;
import java.time.Instant;
import java.util.Optional;

/**
 * What the browser receives for one notification, live or from a {@code sync}: the documented WebSocket payload.
 *
 * @param id        stable id of this in-app item, {@code <notificationId>/<typeId>}; the client sends it back in
 *                  {@code read}/{@code ack}, and uses it to drop the duplicates a reconnect can produce
 * @param type      the notification type, e.g. {@code booking.created}
 * @param title     the rendered {@code push.title} part, or null when the type has none
 * @param body      the rendered {@code inbox} part (or {@code push.body} when the type has no inbox part)
 * @param data      the notification's template data
 * @param createdAt when Herald created the notification for this recipient
 * @param state     {@code unseen} when pushed live; pages of the inbox give each item's state at the time
 */
public record InboxItem(String id, String type, String title, String body, JsonNode data, Instant createdAt, String state) {

    public InboxItem(String id, String type, String title, String body, JsonNode data, Instant createdAt) {
        this(id, type, title, body, data, createdAt, InboxState.UNSEEN.id());
    }

    /** The id of a user's in-app item; the user is implied by the connection, so it is not part of the id. */
    public static String idOf(String notificationId, String typeId) {
        return notificationId + "/" + typeId;
    }

    /**
     * The delivery an id names for {@code recipientId}, or empty for an id that is not one of ours. Type ids never
     * contain '/', so the last '/' separates them from notification ids that might.
     */
    public static Optional<DeliveryKey> keyOf(String id, String recipientId) {
        if (id == null) {
            return Optional.empty();
        }
        int slash = id.lastIndexOf('/');
        if (slash <= 0 || slash == id.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new DeliveryKey(id.substring(0, slash), id.substring(slash + 1), Channel.WEBSOCKET, recipientId));
    }
}
