package dev.herald.dispatch;

import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.fanout.FanOutProgress;
import dev.herald.json.Json;
import dev.herald.observability.NotificationMetrics;
import dev.herald.queue.QueueBatch;
import dev.herald.queue.QueueHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel Lambda: takes the processor's dispatches for one channel from its queue and sends to each recipient.
 * Subclasses say how to send to one recipient whose delivery they have claimed; {@link ChannelDispatcher} does the
 * rest (parallelism, pacing, claims, outcome counts, metrics). A new channel is one subclass here, and its place in
 * {@link Channel}, the router's contact rules, the template parts it renders, and its function and
 * queue in the stack.
 *
 * <p>Per message of a batch: recipients a server error kept from their send fail the message, which comes back
 * after a backoff and, after the queue's last receive, goes to its DLQ; recipients held back by throttling go back
 * to the queue as a new message that waits until the pace has room for them, so that a busy provider never fills
 * the DLQ.
 */
public abstract class ChannelHandler extends QueueHandler<Dispatch> {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelHandler.class);

    private final ChannelDispatcher dispatcher;
    private final FanOutProgress progress;

    /** @param parallelism recipients served at once */
    protected ChannelHandler(Channel channel, DeliveryRepository deliveries, NotificationMetrics metrics, int parallelism, ChannelQueue queue) {
        super(Dispatch.class, queue.queue(), queue.backoff());
        this.dispatcher = new ChannelDispatcher(channel, deliveries, metrics, parallelism, queue.pace());
        this.progress = queue.progress();
    }

    @Override
    protected final String correlationIdOf(Dispatch dispatch) {
        return dispatch.notificationId();
    }

    @Override
    protected final void process(Dispatch dispatch, QueueBatch.Message received) {
        DispatchResult result = deliver(dispatch);
        if (dispatch.fanOut()) {
            progress.addSent(dispatch.notificationId(), result.sent());
        }
        if (!result.throttled().isEmpty()) {
            sendBackLater(dispatch.withRecipients(result.throttled()));
        }
    }

    /**
     * Sends one dispatch now; throws {@link TransientDispatchException} when some recipients need a retry. Recipients
     * held back by throttling are in the result's {@link DispatchResult#throttled()}, their deliveries still PENDING.
     */
    public final DispatchResult deliver(Dispatch dispatch) {
        return dispatcher.dispatch(dispatch, (recipient, key, claimed) -> send(dispatch, recipient, key, claimed));
    }

    /** Queues the throttled rest for when the pace will have room for it, spread a little so it does not return as one burst. */
    private void sendBackLater(Dispatch rest) {
        Duration wait = dispatcher.pace().timeFor(rest.recipients().size()).plusSeconds(1 + ThreadLocalRandom.current().nextInt(3));
        queue().sendAll(List.of(Json.write(rest)), wait);
        LOG.info("{} recipient(s) of {} throttled; queued again to send in {} s", rest.recipients().size(), rest.typeId(), wait.toSeconds());
    }

    /**
     * Sends the notification to one recipient, whose delivery this invocation has claimed (it is SENDING), and records
     * the delivery's next state. Throwing returns the delivery to PENDING for a retry.
     */
    protected abstract RecipientOutcome send(Dispatch dispatch, DispatchRecipient recipient, DeliveryKey key, Delivery claimed);

    /** Runs {@code work} on the dispatcher's virtual threads, e.g. parallel posts to one recipient's connections. */
    protected final <T> Future<T> submit(Callable<T> work) {
        return dispatcher.submit(work);
    }
}
