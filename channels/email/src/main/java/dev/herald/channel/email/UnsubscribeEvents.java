package dev.herald.channel.email;

import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes {@code Recipient Unsubscribed} events on Herald's bus, as the status events handler publishes
 * {@code Delivery Status}: {@code source: herald}, one PutEvents entry.
 *
 * <p>By the time it is called the unsubscribe is already recorded, and that is what the person clicking asked for, so
 * a publish that still fails after the SDK's own retries is logged (an ERROR naming the recipient, category and
 * notification, from which the event can be published again) and reported as {@code false}, never thrown: the
 * endpoint answers 200 whatever happens here. The call is bounded well inside the function's timeout, so a slow bus
 * cannot cost the answer either. Thread-safe.
 */
public final class UnsubscribeEvents {

    private static final Logger LOG = LoggerFactory.getLogger(UnsubscribeEvents.class);

    /** The whole PutEvents call, retries included; the store calls before it and the answer fit in the rest. */
    static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(4);

    private final EventBridgeClient eventBridge;
    private final String busName;

    public UnsubscribeEvents(EventBridgeClient eventBridge, String busName) {
        this.eventBridge = eventBridge;
        this.busName = busName;
    }

    /** Publishes the event; false (and an ERROR line) when EventBridge did not take it. */
    public boolean publish(RecipientUnsubscribedEvent event) {
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(busName).source(EventEnvelope.HERALD_SOURCE).detailType(RecipientUnsubscribedEvent.DETAIL_TYPE)
                .detail(Json.write(event)).build();
        try {
            var response = eventBridge.putEvents(r -> r.entries(entry).overrideConfiguration(o -> o.apiCallTimeout(PUBLISH_TIMEOUT)));
            if (response.failedEntryCount() == null || response.failedEntryCount() == 0) {
                return true;
            }
            PutEventsResultEntry refused = response.entries().isEmpty() ? null : response.entries().getFirst();
            failed(event, refused == null ? "refused" : refused.errorCode() + ": " + refused.errorMessage());
        } catch (RuntimeException e) {
            // SdkException above all (throttling, 5xx, timeouts after the SDK's retries); nothing may cost the answer
            failed(event, e.toString());
        }
        return false;
    }

    private void failed(RecipientUnsubscribedEvent event, String why) {
        LOG.error("{} for recipient {} ({} on {}, notification {}) was recorded but not published on bus {}: {}",
                RecipientUnsubscribedEvent.DETAIL_TYPE, event.recipientId(), event.category(), event.channel(), event.notificationId(),
                busName, why);
    }
}
