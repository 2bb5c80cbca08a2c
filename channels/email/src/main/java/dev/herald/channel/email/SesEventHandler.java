package dev.herald.channel.email;

import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.event.EventEnvelope;
import dev.herald.lambda.JsonHandler;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.recipient.RecipientRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lambda behind the EventBridge rule for SES's events of Herald's configuration set, each about the delivery the
 * email belonged to, found through the message tags the email channel set.
 * <ul>
 *   <li>Bounces and complaints suppress the addresses (a permanent bounce or a complaint), so the email channel skips
 *   them from then on: a bounce makes the delivery FAILED(bounced), a complaint keeps its state with reason
 *   complained.</li>
 *   <li>Deliveries, opens and clicks move it up {@code SENT < DELIVERED < OPENED < CLICKED}, never back, so events
 *   that arrive twice or out of order (a click before its open) end in the furthest state.</li>
 * </ul>
 * Repeated events change nothing more; an event that is not Herald's, or that makes no sense, is ignored with a log
 * line. Thread-safe.
 */
public final class SesEventHandler extends JsonHandler<EventEnvelope, SesEventHandler.Result> {

    private static final Logger LOG = LoggerFactory.getLogger(SesEventHandler.class);

    /** Every {@code detail-type} this handler acts on: bounces, complaints, deliveries, opens and clicks. */
    public static final List<String> DETAIL_TYPES = detailTypes();

    /** What one event changed. */
    public record Result(int suppressed, int deliveriesMarked) {
        public static final Result NONE = new Result(0, 0);
    }

    private final RecipientRepository recipients;
    private final DeliveryRepository deliveries;

    /** Lambda entry point: everything from the environment. */
    public SesEventHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}. */
    public SesEventHandler(Wiring wiring) {
        this(wiring.recipients(), wiring.deliveries());
    }

    /** Everything given: for tests and herald local. */
    public SesEventHandler(RecipientRepository recipients, DeliveryRepository deliveries) {
        super(EventEnvelope.class);
        this.recipients = recipients;
        this.deliveries = deliveries;
    }

    @Override
    protected String correlationId(EventEnvelope event) {
        return event.id();
    }

    @Override
    protected void prime() {
        super.prime();
        recipients.isSuppressed(SnapStartPriming.PRIMING_ID + "@herald.invalid");
    }

    @Override
    public Result handle(EventEnvelope event) {
        Optional<SesFeedback> found = SesFeedback.from(event.detailType(), event.detail());
        if (found.isEmpty()) {
            return engagement(event);
        }
        SesFeedback feedback = found.get();
        int suppressed = 0;
        if (feedback.suppress()) {
            String reason = feedback.kind() == SesFeedback.Kind.COMPLAINT ? DeliveryReason.COMPLAINED : DeliveryReason.BOUNCED;
            for (String address : feedback.addresses()) {
                recipients.suppress(address, reason);
                suppressed++;
            }
        }
        int marked = 0;
        if (feedback.delivery().isPresent() && feedback.kind() != SesFeedback.Kind.TRANSIENT_BOUNCE) {
            boolean complaint = feedback.kind() == SesFeedback.Kind.COMPLAINT;
            if (deliveries.recordFeedback(feedback.delivery().get(), !complaint,
                    complaint ? DeliveryReason.COMPLAINED : DeliveryReason.BOUNCED)) {
                marked++;
            }
        }
        LOG.info("SES {} for notification {}: {} addresses suppressed, {} delivery marked", feedback.kind(),
                feedback.delivery().map(k -> k.notificationId()).orElse("(not Herald's)"), suppressed, marked);
        return new Result(suppressed, marked);
    }

    private Result engagement(EventEnvelope event) {
        Optional<SesEngagement> found;
        try {
            found = SesEngagement.from(event.detailType(), event.detail());
        } catch (SesEngagement.InconsistentEventException e) {
            LOG.warn("ignoring SES event {}: {}", event.id(), e.getMessage());
            return Result.NONE;
        }
        if (found.isEmpty()) {
            LOG.info("ignoring SES event {} ({}): not a bounce, complaint, delivery, open or click", event.id(), event.detailType());
            return Result.NONE;
        }
        SesEngagement engagement = found.get();
        if (engagement.delivery().isEmpty()) {
            LOG.info("ignoring SES {} event {} of message {}: its mail.tags name no Herald delivery", engagement.status(), event.id(),
                    engagement.messageId());
            return Result.NONE;
        }
        DeliveryKey key = engagement.delivery().get();
        if (deliveries.recordEngagement(key, engagement.status())) {
            LOG.info("SES {} event for notification {} ({}): delivery moved to {}", event.detailType(), key.notificationId(), key.typeId(),
                    engagement.status());
            return new Result(0, 1);
        }
        Optional<DeliveryStatus> now = deliveries.find(key).map(Delivery::status);
        if (now.isPresent() && now.get() == DeliveryStatus.SENDING) {
            // SES can report a delivery before the channel has recorded the send: throwing makes Lambda try again later
            throw new IllegalStateException("SES " + engagement.status() + " for notification " + key.notificationId() + " (" + key.typeId()
                    + ") arrived before its send was recorded (the delivery is still SENDING); retrying");
        }
        LOG.info("SES {} event for notification {} ({}) changes nothing: the delivery is {}", event.detailType(), key.notificationId(),
                key.typeId(), now.map(DeliveryStatus::name).orElse("gone (expired or never created)"));
        return Result.NONE;
    }

    private static List<String> detailTypes() {
        List<String> all = new ArrayList<>(SesFeedback.DETAIL_TYPES);
        all.addAll(SesEngagement.DETAIL_TYPES);
        return List.copyOf(all);
    }
}
