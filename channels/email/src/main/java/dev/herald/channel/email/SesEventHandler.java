package dev.herald.channel.email;

import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.event.EventEnvelope;
import dev.herald.lambda.JsonHandler;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.recipient.RecipientRepository;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lambda behind the EventBridge rule for SES's bounce and complaint events: suppresses the addresses (a
 * permanent bounce or a complaint), so the email channel skips them from then on, and marks the delivery the email
 * belonged to, found through the message tags the email channel set: a bounce makes it FAILED(bounced), a
 * complaint leaves it SENT with reason complained. Repeated events change nothing more. Thread-safe.
 */
public final class SesEventHandler extends JsonHandler<EventEnvelope, SesEventHandler.Result> {

    private static final Logger LOG = LoggerFactory.getLogger(SesEventHandler.class);

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
            LOG.info("ignoring SES event {} ({}): neither a bounce nor a complaint", event.id(), event.detailType());
            return Result.NONE;
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
}
