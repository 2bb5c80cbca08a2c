package dev.herald.channel.websocket;

import dev.herald.catalog.Channel;
import dev.herald.config.HeraldEnv;
import dev.herald.connection.ConnectionRepository;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.ChannelDispatcher;
import dev.herald.dispatch.ChannelHandler;
import dev.herald.dispatch.ChannelQueue;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.dispatch.RecipientOutcome;
import dev.herald.inbox.InboxStore;
import dev.herald.json.Json;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.observability.NotificationMetrics;
import dev.herald.templates.TemplateRenderer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;

/**
 * The WebSocket channel Lambda: delivers a notification as an in-app item to every live connection of each
 * recipient, and keeps it in the inbox for the next {@code sync} when the recipient has none.
 *
 * <p>Per recipient: claim the delivery (nothing is sent unless the claim succeeds, so a repeated dispatch sends
 * nothing twice); render the item in the recipient's locale; post it to all the recipient's connections in
 * parallel. A connection that answers 410 is deleted and does not fail the others, unless it connected within
 * {@link #HANDSHAKE}: then it is still opening (its record is written before API Gateway completes the handshake),
 * so it is kept and the post counts as transient. If any connection took the
 * item, the delivery is SENT. If none is live, the delivery goes back to PENDING with reason {@code no_connection}
 * and its payload, where {@code sync} finds it. If every post hit throttling or a 5xx, the delivery goes back to
 * PENDING and the handler throws after the other recipients are done, so Lambda retries just that one.
 *
 * <p>Thread-safe; recipients and connections are served on virtual threads, bounded by semaphores.
 */
public final class WebSocketChannelHandler extends ChannelHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketChannelHandler.class);

    /** Recipients served at once. */
    static final int RECIPIENT_PARALLELISM = 16;
    /** PostToConnection calls in flight at once, across all recipients and invocations. */
    static final int POST_PARALLELISM = 32;
    /** How long after {@code $connect} a 410 means "not open yet" rather than "gone". */
    static final Duration HANDSHAKE = Duration.ofSeconds(10);

    private final ConnectionRepository connections;
    private final DeliveryRepository deliveries;
    private final ConnectionPoster poster;
    private final InboxStore inbox;
    private final UserFrames frames;
    private final InboxItemRenderer items;
    private final Semaphore postPermits = new Semaphore(POST_PARALLELISM);

    /** Lambda entry point: everything from the environment. */
    public WebSocketChannelHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public WebSocketChannelHandler(Wiring wiring) {
        this(wiring.connections(), wiring.deliveries(), wiring.inbox(),
                wiring.client(ApiGatewayManagementApiClient.builder(), HeraldEnv.WEBSOCKET_CALLBACK_URL),
                TemplateRenderer.of(wiring), wiring.metrics("websocket"), ChannelQueue.of(wiring, HeraldEnv.WEBSOCKET_QUEUE_URL));
    }

    /** Everything given: for tests and herald local. */
    public WebSocketChannelHandler(ConnectionRepository connections, DeliveryRepository deliveries, InboxStore inbox,
                                   ApiGatewayManagementApiClient managementApi, TemplateRenderer templates,
                                   NotificationMetrics metrics, ChannelQueue queue) {
        super(Channel.WEBSOCKET, deliveries, metrics, RECIPIENT_PARALLELISM, queue);
        this.connections = connections;
        this.deliveries = deliveries;
        this.inbox = inbox;
        this.poster = new ConnectionPoster(managementApi);
        this.frames = new UserFrames(connections, managementApi);
        this.items = new InboxItemRenderer(templates);
    }

    @Override
    protected void prime() {
        super.prime();
        items.warmUp();
        connections.forUser(SnapStartPriming.PRIMING_ID);
    }

    @Override
    protected RecipientOutcome send(Dispatch dispatch, DispatchRecipient recipient, DeliveryKey key, Delivery claimed) {
        Optional<InboxItem> item;
        try {
            item = items.render(dispatch, recipient, claimed.createdAt());
        } catch (RuntimeException templateError) {
            LOG.error("template of {} failed to render for locale {}: {}", dispatch.typeId(), recipient.locale(), templateError.getMessage());
            item = Optional.empty();
        }
        if (item.isEmpty()) {
            deliveries.finish(key, DeliveryStatus.FAILED, DeliveryReason.TEMPLATE_MISSING);
            return RecipientOutcome.FAILED;
        }
        String payload = Json.write(item.get());
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > WebSocketLimits.MAX_ITEM_BYTES) {
            LOG.warn("in-app item of {} is {} bytes, over the {} byte limit; not sent", dispatch.typeId(), bytes.length, WebSocketLimits.MAX_ITEM_BYTES);
            deliveries.finish(key, DeliveryStatus.FAILED, DeliveryReason.TOO_LARGE);
            return RecipientOutcome.FAILED;
        }
        List<String> live = connections.forUser(recipient.id());
        if (live.isEmpty()) {
            inbox.enter(key, DeliveryStatus.PENDING, DeliveryReason.NO_CONNECTION, payload);
            return RecipientOutcome.WAITING;
        }
        Map<PostOutcome, Integer> posts = postToAll(live, SdkBytes.fromByteArrayUnsafe(bytes));
        if (posts.containsKey(PostOutcome.DELIVERED)) {
            inbox.enter(key, DeliveryStatus.SENT, null, payload);
            // the badge follows the item: the counts go to the same connections, right after it
            frames.pushTo(live, Map.of("event", "counts", "counts", inbox.counts(recipient.id())));
            return RecipientOutcome.SENT;
        }
        if (posts.containsKey(PostOutcome.TOO_LARGE)) {
            deliveries.finish(key, DeliveryStatus.FAILED, DeliveryReason.TOO_LARGE);
            return RecipientOutcome.FAILED;
        }
        if (posts.containsKey(PostOutcome.TRANSIENT)) {
            // kept in the inbox: a sync before the retry hands it over, and the retry then finds it no longer PENDING
            inbox.enter(key, DeliveryStatus.PENDING, DeliveryReason.TRANSIENT_ERROR, payload);
            return RecipientOutcome.TRANSIENT;
        }
        if (posts.containsKey(PostOutcome.THROTTLED)) {
            inbox.enter(key, DeliveryStatus.PENDING, DeliveryReason.THROTTLED, payload);
            return RecipientOutcome.THROTTLED;
        }
        inbox.enter(key, DeliveryStatus.PENDING, DeliveryReason.NO_CONNECTION, payload);
        return RecipientOutcome.WAITING;
    }

    /** Posts one frame to every connection in parallel; deletes the gone ones. Counts outcomes. */
    private Map<PostOutcome, Integer> postToAll(List<String> connectionIds, SdkBytes frame) {
        List<Future<PostOutcome>> futures = new ArrayList<>(connectionIds.size());
        for (String connectionId : connectionIds) {
            futures.add(submit(() -> withPermit(postPermits, () -> poster.post(connectionId, frame))));
        }
        Map<PostOutcome, Integer> outcomes = new EnumMap<>(PostOutcome.class);
        for (int i = 0; i < futures.size(); i++) {
            PostOutcome outcome = ChannelDispatcher.await(futures.get(i));
            if (outcome == PostOutcome.GONE && !deleteGone(connectionIds.get(i))) {
                outcome = PostOutcome.TRANSIENT;
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        return outcomes;
    }

    /** Deletes a gone connection; false when it is kept because it is still opening. */
    private boolean deleteGone(String connectionId) {
        try {
            if (connections.deleteGone(connectionId, HANDSHAKE)) {
                return true;
            }
            LOG.info("connection {} answered 410 within {} s of connecting: still opening, kept", connectionId, HANDSHAKE.toSeconds());
            return false;
        } catch (RuntimeException e) {
            // TTL removes it within 2 hours anyway, and the next post finds it gone again
            LOG.warn("could not delete gone connection {}: {}", connectionId, e.toString());
            return true;
        }
    }

    private static <T> T withPermit(Semaphore permits, Supplier<T> work) {
        permits.acquireUninterruptibly();
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
