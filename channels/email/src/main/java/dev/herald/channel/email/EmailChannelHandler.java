package dev.herald.channel.email;

import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.config.HeraldConfig;
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
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.observability.NotificationMetrics;
import dev.herald.recipient.RecipientRepository;
import dev.herald.templates.Rendered;
import dev.herald.templates.TemplateModel;
import dev.herald.templates.TemplatePart;
import dev.herald.templates.TemplateRenderer;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The email channel Lambda: renders the subject, HTML and text of the type's templates in each recipient's locale
 * and sends them with SES v2 {@code SendEmail}.
 *
 * <p>Per recipient: claim the delivery (no claim, no send); no valid address → SKIPPED(no_address); a suppressed
 * address (an earlier bounce or complaint) → SKIPPED(suppressed); no subject or no body in any locale of the
 * chain → FAILED(template_missing); SES refuses the message (MessageRejected, a bad address) → FAILED
 * (message_rejected). Throttling, a 5xx or a timeout returns the delivery to PENDING, and the handler throws once
 * the other recipients are done, so Lambda's retry sends to that recipient only.
 *
 * <p>Thread-safe; recipients are served on virtual threads, at most {@link #RECIPIENT_PARALLELISM} at a time.
 */
public final class EmailChannelHandler extends ChannelHandler {

    private static final Logger LOG = LoggerFactory.getLogger(EmailChannelHandler.class);

    static final int RECIPIENT_PARALLELISM = 8;

    private final RecipientRepository recipients;
    private final DeliveryRepository deliveries;
    private final SesEmailSender sender;
    private final TemplateRenderer templates;
    private final EmailComposer composer;

    /** Lambda entry point: everything from the environment. */
    public EmailChannelHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public EmailChannelHandler(Wiring wiring) {
        this(wiring.recipients(), wiring.deliveries(),
                new SesEmailSender(wiring.client(SesV2Client.builder()), warnIfUnset(wiring.config(), HeraldEnv.SES_CONFIGURATION_SET,
                        "SES will report no bounces or complaints, so no address gets suppressed").find(HeraldEnv.SES_CONFIGURATION_SET)),
                TemplateRenderer.of(wiring),
                new EmailComposer(wiring.config().find(HeraldEnv.UNSUBSCRIBE_URL).map(URI::create)),
                wiring.metrics("email"), ChannelQueue.of(wiring, HeraldEnv.EMAIL_QUEUE_URL));
    }

    private static HeraldConfig warnIfUnset(HeraldConfig config, HeraldEnv env, String consequence) {
        if (config.find(env).isEmpty()) {
            LOG.warn("{} is not set: {}", env.variable(), consequence);
        }
        return config;
    }

    /** Everything given: for tests and herald local. */
    public EmailChannelHandler(RecipientRepository recipients, DeliveryRepository deliveries, SesEmailSender sender,
                               TemplateRenderer templates, EmailComposer composer, NotificationMetrics metrics, ChannelQueue queue) {
        super(Channel.EMAIL, deliveries, metrics, RECIPIENT_PARALLELISM, queue);
        this.recipients = recipients;
        this.deliveries = deliveries;
        this.sender = sender;
        this.templates = templates;
        this.composer = composer;
    }

    @Override
    protected void prime() {
        super.prime();
        templates.warmUp();
        recipients.isSuppressed(SnapStartPriming.PRIMING_ID + "@herald.invalid");
    }

    @Override
    protected RecipientOutcome send(Dispatch dispatch, DispatchRecipient recipient, DeliveryKey key, Delivery claimed) {
        NotificationType type = templates.catalog().require(dispatch.typeId());
        String address = recipient.email() == null ? null : recipient.email().strip();
        if (!EmailComposer.isValidAddress(address)) {
            return finish(key, DeliveryStatus.SKIPPED, DeliveryReason.NO_ADDRESS);
        }
        // checked at send time too: a bounce may have arrived since enrichment looked
        if (recipients.isSuppressed(address)) {
            return finish(key, DeliveryStatus.SKIPPED, DeliveryReason.SUPPRESSED);
        }
        Optional<EmailMessage> message = render(dispatch, type, recipient, key, address);
        if (message.isEmpty()) {
            return finish(key, DeliveryStatus.FAILED, DeliveryReason.TEMPLATE_MISSING);
        }
        SendOutcome outcome = sender.send(message.get());
        return switch (outcome) {
            case SendOutcome.Sent sent -> {
                LOG.debug("email to recipient {} accepted by SES as {}", recipient.id(), sent.messageId());
                yield finish(key, DeliveryStatus.SENT, null);
            }
            case SendOutcome.Rejected rejected -> {
                LOG.warn("SES refused the email of {} to recipient {}: {}", dispatch.typeId(), recipient.id(), rejected.error());
                yield finish(key, DeliveryStatus.FAILED, DeliveryReason.MESSAGE_REJECTED);
            }
            case SendOutcome.Throttled throttled -> {
                deliveries.release(key, DeliveryReason.THROTTLED);
                yield RecipientOutcome.THROTTLED;
            }
            case SendOutcome.Transient failed -> {
                LOG.warn("email of {} to recipient {} not sent, will retry: {}", dispatch.typeId(), recipient.id(), failed.error());
                deliveries.release(key, DeliveryReason.TRANSIENT_ERROR);
                yield RecipientOutcome.TRANSIENT;
            }
        };
    }

    private Optional<EmailMessage> render(Dispatch dispatch, NotificationType type, DispatchRecipient recipient, DeliveryKey key,
                                          String address) {
        try {
            Map<String, Object> model = TemplateModel.of(dispatch.data(), recipient);
            String locale = recipient.locale();
            Optional<String> subject = part(dispatch, TemplatePart.EMAIL_SUBJECT, locale, model).filter(s -> !s.isBlank());
            Optional<String> html = part(dispatch, TemplatePart.EMAIL_HTML, locale, model);
            Optional<String> text = part(dispatch, TemplatePart.EMAIL_TEXT, locale, model);
            if (subject.isEmpty() || (html.isEmpty() && text.isEmpty())) {
                LOG.error("no email subject or body of {} for locale {} or its fallbacks; add templates/{}/{}/",
                        dispatch.typeId(), locale, dispatch.typeId(), type.defaultLocale());
                return Optional.empty();
            }
            return Optional.of(composer.compose(type, key, address, subject.get(), html.orElse(null), text.orElse(null)));
        } catch (RuntimeException templateError) {
            // a template that does not compile or a catalog without a sender: no retry can fix that
            LOG.error("email of {} cannot be built for locale {}: {}", dispatch.typeId(), recipient.locale(), templateError.getMessage());
            return Optional.empty();
        }
    }

    private Optional<String> part(Dispatch dispatch, TemplatePart part, String locale, Map<String, Object> model) {
        return templates.render(dispatch.typeId(), part, locale, model).map(Rendered::text);
    }

    private RecipientOutcome finish(DeliveryKey key, DeliveryStatus status, String reason) {
        deliveries.finish(key, status, reason);
        return switch (status) {
            case SENT -> RecipientOutcome.SENT;
            case SKIPPED -> RecipientOutcome.SKIPPED;
            default -> RecipientOutcome.FAILED;
        };
    }
}
