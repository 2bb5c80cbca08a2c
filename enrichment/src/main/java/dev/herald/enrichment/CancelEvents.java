package dev.herald.enrichment;

import dev.herald.catalog.NotificationType;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.schedule.Cancellations;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an event matched by a type's {@code cancelOn} does: records the cancel of its key (so that an event of the type
 * with that key, routed later, is withdrawn as it arrives) and withdraws every delivery of the type that still waits
 * for that key: {@code SCHEDULED → SKIPPED(cancelled)}. A delivery already released or sent is left as it is: a
 * cancel that arrives too late changes nothing.
 */
final class CancelEvents {

    private static final Logger LOG = LoggerFactory.getLogger(CancelEvents.class);

    private final Cancellations cancellations;
    private final DeliveryRepository deliveries;

    CancelEvents(Cancellations cancellations, DeliveryRepository deliveries) {
        this.cancellations = cancellations;
        this.deliveries = deliveries;
    }

    /** Applies the cancel event to the type's waiting deliveries; returns how many it withdrew. */
    int cancel(NotificationType type, EventEnvelope event) {
        var cancelOn = type.timing().cancelOn();
        if (cancelOn == null) {
            LOG.warn("{} arrived as a cancel of {}, which has no cancelOn; nothing withdrawn", event.detailType(), type.id());
            return 0;
        }
        var value = cancelOn.match().read(Json.tree(event));
        if (!value.isValueNode() || value.isNull() || value.asText().isBlank()) {
            LOG.warn("cancel event {} ({}) has no {}, so it cannot name what to withdraw from {}; nothing withdrawn", event.id(),
                    event.detailType(), cancelOn.match(), type.id());
            return 0;
        }
        List<String> waiting = cancellations.cancel(type.id(), value.asText(), event.time());
        int withdrawn = 0;
        for (String eventId : waiting) {
            for (Delivery delivery : deliveries.forNotification(eventId)) {
                if (delivery.typeId().equals(type.id()) && delivery.status() == DeliveryStatus.SCHEDULED
                        && deliveries.withdraw(delivery.key(), DeliveryReason.CANCELLED)) {
                    withdrawn++;
                }
            }
        }
        LOG.info("{} {} cancelled {} of {}: {} waiting delivery(ies) of {} event(s) withdrawn", event.detailType(), value.asText(),
                cancelOn.match(), type.id(), withdrawn, waiting.size());
        return withdrawn;
    }
}
