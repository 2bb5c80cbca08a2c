package dev.herald.delivery;

import dev.herald.catalog.Channel;

/** What makes a delivery unique: one notification (event × type) to one recipient on one channel. */
public record DeliveryKey(String notificationId, String typeId, Channel channel, String recipientId) {

    /** The table's sort key: {@code type#channel#recipient}; recipient last, since ids are opaque. */
    public String sortKey() {
        return typeId + "#" + channel.id() + "#" + recipientId;
    }

    public static DeliveryKey fromSortKey(String notificationId, String sortKey) {
        String[] parts = sortKey.split("#", 3);
        return new DeliveryKey(notificationId, parts[0], Channel.of(parts[1]), parts[2]);
    }
}
