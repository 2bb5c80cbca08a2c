package dev.herald.channel.websocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.ApiGatewayManagementApiException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

/**
 * Posts frames to connections through the API Gateway Management API and classifies the result, so the channel
 * decides on outcomes, not on exception types. Thread-safe.
 */
public final class ConnectionPoster {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPoster.class);

    private final ApiGatewayManagementApiClient client;

    public ConnectionPoster(ApiGatewayManagementApiClient client) {
        this.client = client;
    }

    public PostOutcome post(String connectionId, SdkBytes frame) {
        try {
            client.postToConnection(r -> r.connectionId(connectionId).data(frame));
            return PostOutcome.DELIVERED;
        } catch (GoneException gone) {
            return PostOutcome.GONE;
        } catch (PayloadTooLargeException tooLarge) {
            return PostOutcome.TOO_LARGE;
        } catch (ApiGatewayManagementApiException e) {
            int status = e.statusCode();
            if (status == 404 || status == 410) {
                return PostOutcome.GONE;
            }
            if (status == 413) {
                return PostOutcome.TOO_LARGE;
            }
            if (status == 429) {
                return PostOutcome.THROTTLED;
            }
            // 5xx, and 403 (the function's permissions or the callback URL are wrong): retrying is the only
            // way to get the frame out, and what still fails ends up in the DLQ where someone will see it
            LOG.warn("PostToConnection failed with HTTP {} ({}); will retry", status,
                    e.awsErrorDetails() == null ? "no error code" : e.awsErrorDetails().errorCode());
            return PostOutcome.TRANSIENT;
        } catch (SdkClientException e) {
            LOG.warn("PostToConnection did not reach API Gateway: {}; will retry", e.getMessage());
            return PostOutcome.TRANSIENT;
        } catch (SdkException e) {
            LOG.warn("PostToConnection failed: {}; will retry", e.getMessage());
            return PostOutcome.TRANSIENT;
        }
    }
}
