package dev.herald.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.delivery.DeliveryKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A bounce or complaint, read from an SES event as an SES event destination publishes it to EventBridge
 * ({@code detail-type} "Email Bounced" or "Email Complaint Received"; {@code detail} in SES's event publishing
 * format, with {@code eventType}, {@code bounce} or {@code complaint}, and {@code mail.tags}). Pure.
 *
 * @param suppress  whether the addresses must get no more email: a permanent bounce or a complaint
 * @param addresses the recipients the event is about
 * @param delivery  the Herald delivery the email belonged to, from its message tags, if they are Herald's
 */
public record SesFeedback(Kind kind, boolean suppress, List<String> addresses, Optional<DeliveryKey> delivery) {

    public enum Kind {
        PERMANENT_BOUNCE, TRANSIENT_BOUNCE, COMPLAINT
    }

    /** The {@code detail-type}s SES publishes bounces and complaints with. */
    public static final List<String> DETAIL_TYPES = List.of("Email Bounced", "Email Complaint Received");

    public SesFeedback {
        addresses = List.copyOf(addresses);
    }

    /** The feedback in an SES event's detail, or empty for any other SES event (a delivery, an open: {@link SesEngagement}). */
    public static Optional<SesFeedback> from(String detailType, JsonNode detail) {
        String eventType = detail.path("eventType").asText(detail.path("notificationType").asText(""));
        boolean bounce = eventType.equals("Bounce") || DETAIL_TYPES.get(0).equals(detailType);
        boolean complaint = eventType.equals("Complaint") || DETAIL_TYPES.get(1).equals(detailType);
        Optional<DeliveryKey> delivery = SesTags.deliveryKey(detail);
        if (bounce) {
            JsonNode b = detail.path("bounce");
            // Transient (mailbox full, message too large) and Undetermined bounces may succeed later: no suppression
            Kind kind = b.path("bounceType").asText().equals("Permanent") ? Kind.PERMANENT_BOUNCE : Kind.TRANSIENT_BOUNCE;
            return Optional.of(new SesFeedback(kind, kind == Kind.PERMANENT_BOUNCE, addresses(b.path("bouncedRecipients")), delivery));
        }
        if (complaint) {
            return Optional.of(new SesFeedback(Kind.COMPLAINT, true, addresses(detail.path("complaint").path("complainedRecipients")), delivery));
        }
        return Optional.empty();
    }

    private static List<String> addresses(JsonNode recipients) {
        List<String> addresses = new ArrayList<>();
        recipients.forEach(r -> {
            String address = r.path("emailAddress").asText("").strip();
            if (!address.isEmpty()) {
                addresses.add(address);
            }
        });
        return addresses;
    }
}
