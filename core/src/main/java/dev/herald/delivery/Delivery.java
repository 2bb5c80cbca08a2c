package dev.herald.delivery;

import dev.herald.catalog.Channel;
import java.time.Instant;

/**
 * One notification to one recipient on one channel.
 *
 * @param reason  why a delivery was skipped, failed or is waiting; {@code null} when there is nothing to explain
 * @param payload what the channel sends, where it must be kept (the in-app item a later {@code sync} returns)
 * @param dueAt   when a SCHEDULED delivery is due; {@code null} otherwise
 */
public record Delivery(DeliveryKey key, DeliveryStatus status, String reason, int attempts, Instant createdAt,
                       Instant updatedAt, String payload, Instant dueAt) {

    public Delivery(DeliveryKey key, DeliveryStatus status, String reason, int attempts, Instant createdAt, Instant updatedAt, String payload) {
        this(key, status, reason, attempts, createdAt, updatedAt, payload, null);
    }

    /** A delivery that waits until {@code dueAt}, for the reason given (e.g. {@link DeliveryReason#DELAYED}). */
    public static Delivery scheduled(DeliveryKey key, String reason, Instant now, Instant dueAt) {
        return new Delivery(key, DeliveryStatus.SCHEDULED, reason, 0, now, now, null, dueAt);
    }

    public static Delivery pending(DeliveryKey key, Instant now, String payload) {
        return new Delivery(key, DeliveryStatus.PENDING, null, 0, now, now, payload);
    }

    public static Delivery outcome(DeliveryKey key, DeliveryStatus status, String reason, Instant now) {
        return new Delivery(key, status, reason, 0, now, now, null);
    }

    public String notificationId() {
        return key.notificationId();
    }

    public String recipientId() {
        return key.recipientId();
    }

    public Channel channel() {
        return key.channel();
    }

    public String typeId() {
        return key.typeId();
    }
}
