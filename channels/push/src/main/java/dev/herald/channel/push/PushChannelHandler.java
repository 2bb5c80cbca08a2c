package dev.herald.channel.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.config.HeraldEnv;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.ChannelHandler;
import dev.herald.dispatch.ChannelQueue;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.dispatch.RecipientOutcome;
import dev.herald.json.Json;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.observability.NotificationMetrics;
import dev.herald.recipient.Device;
import dev.herald.recipient.RecipientRepository;
import dev.herald.templates.Rendered;
import dev.herald.templates.TemplateModel;
import dev.herald.templates.TemplatePart;
import dev.herald.templates.TemplateRenderer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The push channel Lambda: sends a notification to each recipient's enabled devices through their SNS platform
 * endpoints, with {@code MessageStructure=json} and a payload per platform ({@link PushMessage}), rendered in the
 * recipient's locale.
 *
 * <p>Per recipient: claim the delivery (no claim, no send); no enabled device → SKIPPED(no_device); publish to
 * each device. A device whose endpoint is disabled or gone is marked disabled and counts as failed; the others
 * continue. Any device reached → SENT. Every device failed permanently → FAILED(endpoint_disabled, or
 * message_rejected). Otherwise (throttling or a 5xx on the devices not yet reached) the delivery returns to PENDING
 * and the handler throws after the other recipients are done, so Lambda retries only that recipient. A recipient
 * whose push reached one device and was throttled on another counts as SENT: resending would duplicate the first.
 *
 * <p>Thread-safe; recipients are served on virtual threads, at most {@link #RECIPIENT_PARALLELISM} at a time.
 */
public final class PushChannelHandler extends ChannelHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PushChannelHandler.class);

    static final int RECIPIENT_PARALLELISM = 16;

    private final RecipientRepository recipients;
    private final DeliveryRepository deliveries;
    private final EndpointPublisher publisher;
    private final TemplateRenderer templates;

    /** Lambda entry point: everything from the environment. */
    public PushChannelHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public PushChannelHandler(Wiring wiring) {
        this(wiring.recipients(), wiring.deliveries(), wiring.client(SnsClient.builder()), TemplateRenderer.of(wiring), wiring.metrics("push"),
                ChannelQueue.of(wiring, HeraldEnv.PUSH_QUEUE_URL));
    }

    /** Everything given: for tests and herald local. */
    public PushChannelHandler(RecipientRepository recipients, DeliveryRepository deliveries, SnsClient sns,
                              TemplateRenderer templates, NotificationMetrics metrics, ChannelQueue queue) {
        super(Channel.PUSH, deliveries, metrics, RECIPIENT_PARALLELISM, queue);
        this.recipients = recipients;
        this.deliveries = deliveries;
        this.publisher = new EndpointPublisher(sns);
        this.templates = templates;
    }

    @Override
    protected void prime() {
        super.prime();
        templates.warmUp();
        recipients.devices(SnapStartPriming.PRIMING_ID);
    }

    @Override
    protected RecipientOutcome send(Dispatch dispatch, DispatchRecipient recipient, DeliveryKey key, Delivery claimed) {
        // a retry re-reads the devices: an earlier attempt may have disabled some, or the user re-registered
        List<Device> candidates = claimed.attempts() > 1 ? recipients.devices(recipient.id()) : recipient.devices();
        List<Device> devices = candidates.stream().filter(d -> d.enabled() && d.endpointArn() != null).toList();
        if (devices.isEmpty()) {
            deliveries.finish(key, DeliveryStatus.SKIPPED, DeliveryReason.NO_DEVICE);
            return RecipientOutcome.SKIPPED;
        }
        Optional<String> message = message(dispatch, recipient);
        if (message.isEmpty()) {
            deliveries.finish(key, DeliveryStatus.FAILED, DeliveryReason.TEMPLATE_MISSING);
            return RecipientOutcome.FAILED;
        }
        Set<PublishOutcome> outcomes = EnumSet.noneOf(PublishOutcome.class);
        for (Device device : devices) {
            PublishOutcome outcome = publisher.publish(device.endpointArn(), message.get());
            outcomes.add(outcome);
            if (outcome == PublishOutcome.ENDPOINT_DISABLED) {
                disable(device);
            }
        }
        if (outcomes.contains(PublishOutcome.SENT)) {
            deliveries.finish(key, DeliveryStatus.SENT, null);
            return RecipientOutcome.SENT;
        }
        if (outcomes.contains(PublishOutcome.TRANSIENT)) {
            deliveries.release(key, DeliveryReason.TRANSIENT_ERROR);
            return RecipientOutcome.TRANSIENT;
        }
        if (outcomes.contains(PublishOutcome.THROTTLED)) {
            deliveries.release(key, DeliveryReason.THROTTLED);
            return RecipientOutcome.THROTTLED;
        }
        deliveries.finish(key, DeliveryStatus.FAILED, outcomes.contains(PublishOutcome.ENDPOINT_DISABLED)
                ? DeliveryReason.ENDPOINT_DISABLED : DeliveryReason.MESSAGE_REJECTED);
        return RecipientOutcome.FAILED;
    }

    private Optional<String> message(Dispatch dispatch, DispatchRecipient recipient) {
        try {
            JsonNode data = dispatch.data() == null ? Json.object() : dispatch.data();
            Map<String, Object> model = TemplateModel.of(data, recipient);
            Optional<String> body = templates.render(dispatch.typeId(), TemplatePart.PUSH_BODY, recipient.locale(), model)
                    .map(Rendered::text).filter(text -> !text.isBlank());
            if (body.isEmpty()) {
                return Optional.empty();
            }
            String title = templates.render(dispatch.typeId(), TemplatePart.PUSH_TITLE, recipient.locale(), model)
                    .map(Rendered::text).orElse(null);
            return Optional.of(PushMessage.of(title, body.get(), dispatch.notificationId(), dispatch.typeId(),
                    dispatch.notificationId() + "/" + dispatch.typeId()));
        } catch (RuntimeException templateError) {
            LOG.error("push template of {} failed to render for locale {}: {}", dispatch.typeId(), recipient.locale(), templateError.getMessage());
            return Optional.empty();
        }
    }

    private void disable(Device device) {
        try {
            recipients.disableDevice(device.recipientId(), device.deviceId());
            LOG.info("disabled device {} of recipient {}: its SNS endpoint is disabled or gone", device.deviceId(), device.recipientId());
        } catch (RuntimeException e) {
            // the next push finds the endpoint disabled again and retries this
            LOG.warn("could not mark device {} disabled: {}", device.deviceId(), e.toString());
        }
    }
}
