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
                       List<DispatchRecipient> recipients, boolean fanOut) {

    /**
     * Recipients per dispatch: one queue message's worth of work for a channel, small enough that a batch of ten is
     * handled well within the function's timeout, large enough to keep queue and invoke calls few.
     */
    public static final int MAX_RECIPIENTS = 50;

    public Dispatch {
        recipients = List.copyOf(recipients);
    }

    /** Not part of a topic's fan-out. */
    public Dispatch(String notificationId, String typeId, Channel channel, Instant eventTime, JsonNode data, List<DispatchRecipient> recipients) {
        this(notificationId, typeId, channel, eventTime, data, recipients, false);
    }

    /** The same notification for some of its recipients, e.g. those sent back for later. */
    public Dispatch withRecipients(List<DispatchRecipient> some) {
        return new Dispatch(notificationId, typeId, channel, eventTime, data, some, fanOut);
    }

    public DeliveryKey keyFor(DispatchRecipient recipient) {
        return new DeliveryKey(notificationId, typeId, channel, recipient.id());
    }
}
