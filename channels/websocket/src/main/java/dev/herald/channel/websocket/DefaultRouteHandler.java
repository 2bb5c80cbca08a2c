package dev.herald.channel.websocket;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.herald.config.HeraldEnv;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionRepository;
import dev.herald.inbox.InboxAction;
import dev.herald.inbox.InboxStore;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.observability.Correlation;
import dev.herald.recipient.preferences.InvalidPreferencesException;
import dev.herald.recipient.preferences.LockedCategoryException;
import dev.herald.recipient.preferences.PreferenceCentre;
import dev.herald.recipient.preferences.Preferences;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * The {@code $default} route: the client's actions on its inbox and preferences, as the WebSocket channel's README
 * documents them. The reply goes back as the route response (the WebSocket API's {@code $default} route has a route
 * response, so API Gateway sends it to the client), echoing the message's {@code ref}. Every change is also pushed to
 * all of the user's connections, with the counts, so that two tabs never disagree.
 * The user is the one the connection was authenticated as on {@code $connect}. It never throws: a failure becomes
 * a 500 reply that tells the client to retry.
 */
public final class DefaultRouteHandler implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultRouteHandler.class);

    private final ConnectionRepository connections;
    private final Inbox inbox;
    private final UserFrames frames;
    private final PreferenceCentre preferences;
    // held here because the CRaC context may reference its resources weakly
    @SuppressWarnings("unused")
    private final SnapStartPriming priming = SnapStartPriming.register(getClass().getSimpleName(), this::prime);

    /** Lambda entry point: everything from the environment. */
    public DefaultRouteHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public DefaultRouteHandler(Wiring wiring) {
        this(wiring.connections(), new Inbox(wiring.deliveries(), wiring.inbox()),
                new UserFrames(wiring.connections(),
                        wiring.client(ApiGatewayManagementApiClient.builder(), HeraldEnv.WEBSOCKET_CALLBACK_URL)),
                wiring.preferenceCentre());
    }

    /** Everything given: for tests. */
    public DefaultRouteHandler(ConnectionRepository connections, Inbox inbox, UserFrames frames, PreferenceCentre preferences) {
        this.connections = connections;
        this.inbox = inbox;
        this.frames = frames;
        this.preferences = preferences;
    }

    /** SnapStart priming: a lookup of a connection that does not exist. */
    void prime() {
        connections.find(SnapStartPriming.PRIMING_ID);
        inbox.counts(SnapStartPriming.PRIMING_ID);
    }

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        Optional<String> connectionId = RouteResponses.connectionId(event);
        if (connectionId.isEmpty()) {
            return RouteResponses.error(400, "not a WebSocket route request: requestContext.connectionId is missing");
        }
        return Correlation.with(connectionId.get(), () -> {
            String ref = null;
            try {
                ClientAction.Request request = ClientAction.parse(event.getBody());
                ref = request.ref();
                return handle(connectionId.get(), request);
            } catch (InvalidActionException e) {
                return RouteResponses.error(400, e.getMessage(), e.ref());
            } catch (RuntimeException e) {
                LOG.error("$default failed on connection {}", connectionId.get(), e);
                return RouteResponses.error(500, "Herald could not handle this message just now; send it again in a moment", ref);
            }
        });
    }

    private APIGatewayV2WebSocketResponse handle(String connectionId, ClientAction.Request request) {
        String ref = request.ref();
        if (request.action() instanceof ClientAction.Ping) {
            return RouteResponses.ok(reply("pong", ref));
        }
        Optional<Connection> connection = connections.find(connectionId);
        if (connection.isEmpty()) {
            return RouteResponses.error(401,
                    "this connection is not registered (it expired or was never authenticated); reconnect with a valid token", ref);
        }
        String userId = connection.get().userId();
        return switch (request.action()) {
            case ClientAction.Sync sync -> {
                Inbox.Page page = inbox.sync(userId, sync.since(), sync.limit());
                yield RouteResponses.ok(new Inbox.PageReply("sync", ref, null, page.items(), page.cursor(), page.more(),
                        inbox.counts(userId)));
            }
            case ClientAction.ListItems list -> {
                Inbox.Page page = inbox.list(userId, list.view(), list.cursor(), list.limit());
                yield RouteResponses.ok(new Inbox.PageReply("list", ref, list.view().id(), page.items(), page.cursor(), page.more(),
                        inbox.counts(userId)));
            }
            case ClientAction.Counts counts -> RouteResponses.ok(with(reply("counts", ref), "counts", inbox.counts(userId)));
            case ClientAction.Mark mark -> mark(userId, mark, ref);
            case ClientAction.ReadAll readAll -> {
                InboxStore.ReadAll done = inbox.readAll(userId);
                if (done.updated() > 0) {
                    frames.push(userId, Map.of("event", "changed", "all", true, "state", "read", "counts", done.counts()));
                }
                Map<String, Object> reply = reply("read-all", ref);
                reply.put("updated", done.updated());
                reply.put("more", done.more());
                reply.put("counts", done.counts());
                yield RouteResponses.ok(reply);
            }
            case ClientAction.PreferencesGet get ->
                    RouteResponses.ok(with(reply("preferences.get", ref), "preferences", preferences.get(userId)));
            case ClientAction.PreferencesSet set -> setPreferences(userId, set, ref);
            case ClientAction.Ping ping -> RouteResponses.ok(reply("pong", ref));
        };
    }

    private APIGatewayV2WebSocketResponse mark(String userId, ClientAction.Mark mark, String ref) {
        Inbox.Marked marked;
        try {
            marked = inbox.mark(userId, mark.change(), mark.ids());
        } catch (RuntimeException e) {
            // some of the items may have changed before it failed: the user's tabs get the counts as they are now
            frames.push(userId, Map.of("event", "counts", "counts", inbox.counts(userId)));
            throw e;
        }
        if (marked.states().isEmpty()) {
            String named = mark.single() ? "with id '" + mark.ids().getFirst() + "'" : "with any of these ids";
            return RouteResponses.error(404, "you have no inbox item " + named, ref);
        }
        Map<String, Object> changed = new LinkedHashMap<>();
        changed.put("ids", marked.states().keySet());
        if (marked.state() != null) {
            changed.put("state", marked.state());
        }
        changed.put("states", marked.states());
        changed.put("counts", marked.counts());
        Map<String, Object> pushed = new LinkedHashMap<>(Map.of("event", "changed"));
        pushed.putAll(changed);
        frames.push(userId, pushed);
        Map<String, Object> reply = reply(mark.action(), ref);
        if (mark.single()) {
            reply.put("id", mark.ids().getFirst());
            if (mark.change() == InboxAction.READ) {
                reply.put("status", "READ");
            }
        }
        reply.putAll(changed);
        if (!marked.unknown().isEmpty()) {
            reply.put("unknown", marked.unknown());
        }
        return RouteResponses.ok(reply);
    }

    /** A change by the user, to their own preferences only; every connection of theirs gets the result. */
    private APIGatewayV2WebSocketResponse setPreferences(String userId, ClientAction.PreferencesSet set, String ref) {
        Preferences changed;
        try {
            changed = preferences.set(userId, set.change());
        } catch (InvalidPreferencesException e) {
            return RouteResponses.error(400, e.getMessage(), ref);
        } catch (LockedCategoryException e) {
            return RouteResponses.error(409, e.getMessage(), ref);
        }
        frames.push(userId, Map.of("event", "preferences", "preferences", changed));
        return RouteResponses.ok(with(reply("preferences.set", ref), "preferences", changed));
    }

    private static Map<String, Object> reply(String action, String ref) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("action", action);
        if (ref != null) {
            reply.put("ref", ref);
        }
        return reply;
    }

    private static Map<String, Object> with(Map<String, Object> reply, String field, Object value) {
        reply.put(field, value);
        return reply;
    }
}
