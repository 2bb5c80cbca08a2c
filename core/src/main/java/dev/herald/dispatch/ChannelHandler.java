package dev.herald.dispatch;

import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.lambda.JsonHandler;
import dev.herald.observability.NotificationMetrics;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * A channel Lambda: takes the processor's dispatch for one channel and sends to each recipient. Subclasses say how
 * to send to one recipient whose delivery they have claimed; {@link ChannelDispatcher} does the rest (parallelism,
 * claims, outcome counts, metrics, the retry signal). A new channel is one subclass.
 */
public abstract class ChannelHandler extends JsonHandler<Dispatch, DispatchResult> {

    private final ChannelDispatcher dispatcher;

    /** @param parallelism recipients served at once */
    protected ChannelHandler(Channel channel, DeliveryRepository deliveries, NotificationMetrics metrics, int parallelism) {
        super(Dispatch.class);
        this.dispatcher = new ChannelDispatcher(channel, deliveries, metrics, parallelism);
    }

    @Override
    protected final String correlationId(Dispatch dispatch) {
        return dispatch.notificationId();
    }

    @Override
    public final DispatchResult handle(Dispatch dispatch) {
        return dispatcher.dispatch(dispatch, (recipient, key, claimed) -> send(dispatch, recipient, key, claimed));
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
