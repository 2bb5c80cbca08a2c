package dev.herald.channel.websocket;

import dev.herald.connection.ConnectionRepository;
import dev.herald.json.Json;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * Pushes a message to every live connection of a user, through the API Gateway Management API: what keeps a
 * user's tabs in step (counts, state changes, preferences). Best effort: a connection that does not take it is left
 * to the channel's cleanup and to TTL, and the next change pushes the whole state again. Thread-safe.
 */
public final class UserFrames {

    private static final Logger LOG = LoggerFactory.getLogger(UserFrames.class);

    private final ConnectionRepository connections;
    private final ConnectionPoster poster;

    public UserFrames(ConnectionRepository connections, ApiGatewayManagementApiClient managementApi) {
        this.connections = connections;
        this.poster = new ConnectionPoster(managementApi);
    }

    /**
     * Pushes {@code message}, as JSON, to all of the user's connections; returns how many took it. Never throws: the
     * change it announces is done, and a tab that missed it gets the state with the next reply or push.
     */
    public int push(String userId, Object message) {
        try {
            return pushTo(connections.forUser(userId), message);
        } catch (RuntimeException e) {
            LOG.warn("could not push to the connections of {}: {}", userId, e.toString());
            return 0;
        }
    }

    /** Pushes {@code message}, as JSON, to these connections; returns how many took it. */
    public int pushTo(List<String> connectionIds, Object message) {
        if (connectionIds.isEmpty()) {
            return 0;
        }
        SdkBytes frame = SdkBytes.fromUtf8String(Json.write(message));
        int delivered = 0;
        for (String connectionId : connectionIds) {
            if (poster.post(connectionId, frame) == PostOutcome.DELIVERED) {
                delivered++;
            }
        }
        return delivered;
    }
}
