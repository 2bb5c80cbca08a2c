package dev.herald.processor.status;

import java.time.Instant;
import java.util.List;

/**
 * The detail of a {@code Delivery Status} event ({@code source: herald}). One event carries the final states that
 * one notification reached together (usually all its channels), which keeps status events to about one per
 * notification; a delivery that starts to wait is reported too, {@code SCHEDULED} with its {@code dueAt}. Subscribers can match on any delivery, e.g. {@code {"detail": {"deliveries": {"status": ["FAILED"]}}}}.
 * Recipient ids are included; addresses and message bodies never are.
 */
public record DeliveryStatusEvent(String notificationId, String type, List<Outcome> deliveries) {

    public static final String DETAIL_TYPE = "Delivery Status";

    /** Deliveries per event: keeps every event far below EventBridge's 256 KB limit. */
    public static final int MAX_DELIVERIES = 100;

    public DeliveryStatusEvent {
        deliveries = List.copyOf(deliveries);
    }

    /** One delivery's final state, or its wait ({@code dueAt} set only for {@code SCHEDULED}). */
    public record Outcome(String channel, String recipientId, String status, String reason, int attempts, Instant at, Instant dueAt) {
    }
}
