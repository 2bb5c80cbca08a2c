package dev.herald.delivery;

import dev.herald.catalog.Channel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** What makes a delivery unique: one notification (event × type) to one recipient on one channel. */
public record DeliveryKey(String notificationId, String typeId, Channel channel, String recipientId) {

    /** DynamoDB's limits on a partition key and a sort key, in UTF-8 bytes; a longer key is refused, never stored. */
    public static final int MAX_PARTITION_KEY_BYTES = 2048;
    public static final int MAX_SORT_KEY_BYTES = 1024;

    /** The table's sort key: {@code type#channel#recipient}; recipient last, since ids are opaque. */
    public String sortKey() {
        return typeId + "#" + channel.id() + "#" + recipientId;
    }

    /** Why DynamoDB would refuse this key, or empty when it fits. */
    public Optional<String> sizeProblem() {
        int pk = notificationId.getBytes(StandardCharsets.UTF_8).length;
        if (pk > MAX_PARTITION_KEY_BYTES) {
            return Optional.of("the event id is " + pk + " bytes; a delivery's partition key holds at most " + MAX_PARTITION_KEY_BYTES);
        }
        int sk = sortKey().getBytes(StandardCharsets.UTF_8).length;
        if (sk > MAX_SORT_KEY_BYTES) {
            return Optional.of("recipient id of " + recipientId.getBytes(StandardCharsets.UTF_8).length + " bytes makes the delivery's sort key "
                    + sk + " bytes; DynamoDB takes at most " + MAX_SORT_KEY_BYTES);
        }
        return Optional.empty();
    }

    public static DeliveryKey fromSortKey(String notificationId, String sortKey) {
        String[] parts = sortKey.split("#", 3);
        return new DeliveryKey(notificationId, parts[0], Channel.of(parts[1]), parts[2]);
    }
}
