package dev.herald.channel.push;

import dev.herald.dispatch.ChannelDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.InvalidParameterValueException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.SnsException;

/** Publishes a push message to one SNS platform endpoint and classifies the result. Thread-safe. */
public final class EndpointPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointPublisher.class);

    private final SnsClient sns;

    public EndpointPublisher(SnsClient sns) {
        this.sns = sns;
    }

    public PublishOutcome publish(String endpointArn, String message) {
        try {
            sns.publish(r -> r.targetArn(endpointArn).messageStructure("json").message(message));
            return PublishOutcome.SENT;
        } catch (EndpointDisabledException | NotFoundException gone) {
            return PublishOutcome.ENDPOINT_DISABLED;
        } catch (InvalidParameterException | InvalidParameterValueException rejected) {
            LOG.warn("SNS rejected a push to {}: {}", endpointArn, rejected.getMessage());
            return PublishOutcome.REJECTED;
        } catch (SnsException e) {
            if (ChannelDispatcher.isThrottling(e)) {
                return PublishOutcome.THROTTLED;
            }
            // InternalError, KMS throttling, and configuration errors such as AuthorizationError or a
            // disabled platform application: retries (then the DLQ) are the way these get noticed and fixed
            LOG.warn("SNS Publish failed with HTTP {} ({}); will retry", e.statusCode(),
                    e.awsErrorDetails() == null ? "no error code" : e.awsErrorDetails().errorCode());
            return PublishOutcome.TRANSIENT;
        } catch (SdkClientException e) {
            LOG.warn("SNS Publish did not reach SNS: {}; will retry", e.getMessage());
            return PublishOutcome.TRANSIENT;
        } catch (SdkException e) {
            LOG.warn("SNS Publish failed: {}; will retry", e.getMessage());
            return PublishOutcome.TRANSIENT;
        }
    }
}
