package dev.herald.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What happened to an email on the recipient's side, read from an SES event as an SES event destination publishes it
 * to EventBridge: {@code detail-type} "Email Delivered", "Email Opened" or "Email Clicked", with {@code detail} in
 * SES's event publishing format ({@code eventType} "Delivery", "Open" or "Click", and {@code mail.tags}). Pure.
 *
 * @param status    where the email's delivery moves: DELIVERED, OPENED or CLICKED
 * @param messageId SES's id of the email, for the log
 * @param delivery  the Herald delivery the email belongs to, from its message tags, if they are Herald's
 */
public record SesEngagement(DeliveryStatus status, String messageId, Optional<DeliveryKey> delivery) {

    /** The engagements SES reports, as its EventBridge {@code detail-type} and its {@code eventType} name them. */
    public enum Kind {
        DELIVERY("Email Delivered", "Delivery", DeliveryStatus.DELIVERED),
        OPEN("Email Opened", "Open", DeliveryStatus.OPENED),
        CLICK("Email Clicked", "Click", DeliveryStatus.CLICKED);

        private final String detailType;
        private final String eventType;
        private final DeliveryStatus status;

        Kind(String detailType, String eventType, DeliveryStatus status) {
            this.detailType = detailType;
            this.eventType = eventType;
            this.status = status;
        }

        public String detailType() {
            return detailType;
        }

        public String eventType() {
            return eventType;
        }
    }

    /** The {@code detail-type}s of deliveries, opens and clicks, in that order. */
    public static final List<String> DETAIL_TYPES = Arrays.stream(Kind.values()).map(Kind::detailType).toList();

    /** Thrown for an event that names two different engagements; the handler ignores it with this reason. */
    public static final class InconsistentEventException extends RuntimeException {
        InconsistentEventException(String message) {
            super(message);
        }
    }

    /**
     * The engagement in an SES event, or empty for any other event (a bounce, a complaint, a send, a delay, …).
     * Throws {@link InconsistentEventException} when the {@code detail-type} and the detail's {@code eventType} name
     * different engagements.
     */
    public static Optional<SesEngagement> from(String detailType, JsonNode detail) {
        String eventType = detail.path("eventType").asText("");
        Optional<Kind> byDetailType = Arrays.stream(Kind.values()).filter(k -> k.detailType.equals(detailType)).findFirst();
        Optional<Kind> byEventType = Arrays.stream(Kind.values()).filter(k -> k.eventType.equals(eventType)).findFirst();
        if (byDetailType.isPresent() && byEventType.isPresent() && byDetailType.get() != byEventType.get()) {
            throw new InconsistentEventException("detail-type '" + detailType + "' but detail.eventType '" + eventType + "'");
        }
        Optional<Kind> kind = byDetailType.or(() -> byEventType);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        String messageId = detail.path("mail").path("messageId").asText("(no mail.messageId)");
        return Optional.of(new SesEngagement(kind.get().status, messageId, SesTags.deliveryKey(detail)));
    }
}
