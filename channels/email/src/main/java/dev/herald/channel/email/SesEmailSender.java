package dev.herald.channel.email;

import dev.herald.dispatch.ChannelDispatcher;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * Sends an {@link EmailMessage} with SES v2 {@code SendEmail} (simple content, UTF-8) through the configuration
 * set whose event destination reports bounces and complaints. Classifies every failure as permanent or transient;
 * never throws for a failed send. Thread-safe.
 */
public final class SesEmailSender {

    private static final String UTF_8 = "UTF-8";

    private final SesV2Client ses;
    private final Optional<String> configurationSet;

    public SesEmailSender(SesV2Client ses, Optional<String> configurationSet) {
        this.ses = ses;
        this.configurationSet = configurationSet;
    }

    public SendOutcome send(EmailMessage message) {
        SendEmailRequest.Builder request = SendEmailRequest.builder()
                .fromEmailAddress(message.from())
                .destination(d -> d.toAddresses(message.to()))
                .content(c -> c.simple(m -> {
                    m.subject(content(message.subject()));
                    Body.Builder body = Body.builder();
                    if (message.html() != null) {
                        body.html(content(message.html()));
                    }
                    if (message.text() != null) {
                        body.text(content(message.text()));
                    }
                    m.body(body.build());
                    if (!message.headers().isEmpty()) {
                        m.headers(message.headers().stream()
                                .map(h -> MessageHeader.builder().name(h.name()).value(h.value()).build()).toList());
                    }
                }))
                .emailTags(message.tags().entrySet().stream()
                        .map(t -> MessageTag.builder().name(t.getKey()).value(t.getValue()).build()).toList());
        if (message.replyTo() != null) {
            request.replyToAddresses(List.of(message.replyTo()));
        }
        configurationSet.ifPresent(request::configurationSetName);
        try {
            return new SendOutcome.Sent(ses.sendEmail(request.build()).messageId());
        } catch (MessageRejectedException | BadRequestException refused) {
            // the content or the address is refused as it is; sending it again can only be refused again
            return new SendOutcome.Rejected(errorCode(refused));
        } catch (SdkException other) {
            if (ChannelDispatcher.isThrottling(other)) {
                return new SendOutcome.Throttled(errorCode(other));
            }
            // 5xx after the SDK's own retries, timeouts, and account or configuration states an
            // operator can fix (sending paused, unverified domain): Lambda's retries and the DLQ give them time
            return new SendOutcome.Transient(errorCode(other));
        }
    }

    private static Content content(String text) {
        return Content.builder().data(text).charset(UTF_8).build();
    }

    private static String errorCode(SdkException e) {
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + ")";
        }
        return e.getClass().getSimpleName();
    }
}
