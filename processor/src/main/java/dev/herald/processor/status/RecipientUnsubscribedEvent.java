package dev.herald.processor.status;

import java.time.Instant;

/**
 * The detail of a {@code Recipient Unsubscribed} event ({@code source: herald}), published when someone uses an
 * email's one-click unsubscribe link and Herald records a new unsubscribe, so that the app owning the recipient's
 * preferences can show it (or undo it later with {@code Recipient Resubscribed}). It names the recipient, never the
 * address. Like every Herald event it matches no catalog rule. The unsubscribe marks the link's delivery in the same
 * transaction, and {@link StatusEventsHandler} publishes this from the deliveries table's stream, so an unsubscribe
 * cannot be recorded without its event.
 *
 * @param notificationId the notification whose link was used
 * @param at             when the unsubscribe was recorded
 */
public record RecipientUnsubscribedEvent(String recipientId, String category, String channel, String notificationId, Instant at) {

    public static final String DETAIL_TYPE = "Recipient Unsubscribed";
}
