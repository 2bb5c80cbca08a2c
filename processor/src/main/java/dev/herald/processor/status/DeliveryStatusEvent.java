package dev.herald.processor.status;

import java.time.Instant;

/**
 * The detail of a {@code Delivery Status} event ({@code source: herald}), published on every final state of a
 * delivery so that other apps can subscribe. Recipient ids are included; addresses and message bodies never are.
 */
public record DeliveryStatusEvent(String notificationId, String type, String channel, String recipientId, String status,
                                  String reason, int attempts, Instant at) {

    public static final String DETAIL_TYPE = "Delivery Status";
}
