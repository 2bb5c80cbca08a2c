package dev.herald.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryKey;
import java.time.Instant;
import java.util.List;

/**
 * The processor's hand-off to one channel: one notification for many recipients, whose PENDING delivery records
 * already exist. The channel claims each before it sends, so a repeated dispatch sends nothing twice.
 */
public record Dispatch(String notificationId, String typeId, Channel channel, Instant eventTime, JsonNode data,
                       List<DispatchRecipient> recipients) {

    /** Recipients per dispatch: keeps a dispatch well under Lambda's 256 KB asynchronous payload limit. */
    public static final int MAX_RECIPIENTS = 100;

    public Dispatch {
        recipients = List.copyOf(recipients);
    }

    public DeliveryKey keyFor(DispatchRecipient recipient) {
        return new DeliveryKey(notificationId, typeId, channel, recipient.id());
    }
}
