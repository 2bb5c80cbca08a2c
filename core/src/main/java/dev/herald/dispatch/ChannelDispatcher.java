package dev.herald.dispatch;

import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.observability.Correlation;
import dev.herald.observability.NotificationMetrics.Outcome;
import dev.herald.observability.NotificationMetrics;
import dev.herald.queue.TokenBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * What every channel Lambda does with a dispatch, around its own way of sending: serve the recipients in parallel
 * on virtual threads (bounded), pace the sends to the channel's rate, claim each delivery before sending (no claim,
 * no send, so a repeated dispatch sends nothing twice), return a delivery whose send blew up to PENDING, count the
 * outcomes into metrics and one log line, and finally throw {@link TransientDispatchException} if any recipient
 * needs a retry, so that the dispatch is retried and the retry reaches only them.
 *
 * <p>Throttling is not an error: a recipient the pace leaves no room for, or whose provider answered that it is
 * busy, comes back in {@link DispatchResult#throttled()}, for the caller to send back to the queue for later.
 * Thread-safe.
 */
public final class ChannelDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelDispatcher.class);

    /** A channel's send to one recipient whose delivery it has claimed; records the final state itself. */
    @FunctionalInterface
    public interface Sender {
        RecipientOutcome send(DispatchRecipient recipient, DeliveryKey key, Delivery claimed);
    }

    private final Channel channel;
    private final DeliveryRepository deliveries;
    private final NotificationMetrics metrics;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore permits;
    private final TokenBucket pace;

    /**
     * How long one dispatch waits in all for room in the pace before it sends the rest back to the queue: long enough
     * to smooth a burst, short enough that an invocation does not idle away its time.
     */
    static final Duration PACING_BUDGET = Duration.ofSeconds(5);

    /** Unpaced. */
    public ChannelDispatcher(Channel channel, DeliveryRepository deliveries, NotificationMetrics metrics, int parallelism) {
        this(channel, deliveries, metrics, parallelism, TokenBucket.unlimited());
    }

    /**
     * @param parallelism recipients served at once, across all dispatches of this handler
     * @param pace        the channel's send rate in this execution environment
     */
    public ChannelDispatcher(Channel channel, DeliveryRepository deliveries, NotificationMetrics metrics, int parallelism, TokenBucket pace) {
        this.channel = channel;
        this.deliveries = deliveries;
        this.metrics = metrics;
        this.permits = new Semaphore(parallelism);
        this.pace = pace;
    }

    public TokenBucket pace() {
        return pace;
    }

    public DispatchResult dispatch(Dispatch dispatch, Sender sender) {
        if (dispatch.channel() != channel) {
            // claiming another channel's deliveries would send them the wrong way: a wiring error, never retried into success
            throw new IllegalArgumentException("the " + channel.id() + " channel received a dispatch for channel '" + dispatch.channel().id()
                    + "' (notification " + dispatch.notificationId() + "); check which function the processor hands this channel to");
        }
        long paceUntil = System.nanoTime() + PACING_BUDGET.toNanos();
        List<Future<RecipientOutcome>> futures = new ArrayList<>(dispatch.recipients().size());
        for (DispatchRecipient recipient : dispatch.recipients()) {
            futures.add(submit(() -> withPermit(() -> Correlation.with(dispatch.notificationId(), () -> deliver(dispatch, recipient, sender, paceUntil)))));
        }
        Map<RecipientOutcome, Integer> counts = new EnumMap<>(RecipientOutcome.class);
        List<DispatchRecipient> throttled = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            RecipientOutcome outcome = await(futures.get(i));
            counts.merge(outcome, 1, Integer::sum);
            if (outcome == RecipientOutcome.THROTTLED) {
                throttled.add(dispatch.recipients().get(i));
            }
        }
        DispatchResult result = new DispatchResult(counts.getOrDefault(RecipientOutcome.SENT, 0), counts.getOrDefault(RecipientOutcome.WAITING, 0),
                counts.getOrDefault(RecipientOutcome.SKIPPED, 0), counts.getOrDefault(RecipientOutcome.FAILED, 0),
                counts.getOrDefault(RecipientOutcome.ALREADY_HANDLED, 0), throttled);
        metrics.count(Outcome.DELIVERED, channel, result.sent());
        metrics.count(Outcome.SKIPPED, channel, result.skipped());
        metrics.count(Outcome.FAILED, channel, result.failed());
        metrics.flush();
        int transientCount = counts.getOrDefault(RecipientOutcome.TRANSIENT, 0);
        LOG.info("{} dispatch {}: {} sent, {} waiting, {} skipped, {} failed, {} already handled, {} throttled, {} to retry", channel.id(),
                dispatch.typeId(), result.sent(), result.waiting(), result.skipped(), result.failed(), result.alreadyHandled(),
                throttled.size(), transientCount);
        if (transientCount > 0) {
            throw new TransientDispatchException(transientCount + " of " + dispatch.recipients().size() + " recipients of notification "
                    + dispatch.notificationId() + " could not be reached on " + channel.id()
                    + " because of server errors or timeouts; their deliveries are PENDING again and a retry sends to them only", result);
        }
        return result;
    }

    /**
     * Runs {@code work} on this dispatcher's virtual threads, e.g. a channel's parallel posts to one recipient's
     * connections, with the caller's log context (Powertools' function fields and the correlation id), so that what
     * it logs is attributed like the handler's own lines.
     */
    public <T> Future<T> submit(Callable<T> work) {
        Map<String, String> context = MDC.getCopyOfContextMap();
        return executor.submit(() -> {
            if (context != null) {
                MDC.setContextMap(context);
            }
            try {
                return work.call();
            } finally {
                MDC.clear();
            }
        });
    }

    /** The result of {@code future}; a failure inside it is rethrown as it was thrown. */
    public static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while delivering", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private RecipientOutcome deliver(Dispatch dispatch, DispatchRecipient recipient, Sender sender, long paceUntil) {
        // paced before the claim, so that a recipient held back leaves its delivery untouched
        if (!pace.tryAcquire(Duration.ofNanos(Math.max(0, paceUntil - System.nanoTime())))) {
            return RecipientOutcome.THROTTLED;
        }
        DeliveryKey key = dispatch.keyFor(recipient);
        Optional<Delivery> claimed = deliveries.claim(key);
        if (claimed.isEmpty()) {
            return RecipientOutcome.ALREADY_HANDLED;
        }
        try {
            return sender.send(recipient, key, claimed.get());
        } catch (RuntimeException e) {
            boolean throttled = isThrottling(e);
            LOG.warn("{} delivery to recipient {} {}: {}; returning it to PENDING", channel.id(), recipient.id(),
                    throttled ? "was throttled" : "failed before it finished", e.toString());
            try {
                deliveries.release(key, throttled ? DeliveryReason.THROTTLED : DeliveryReason.TRANSIENT_ERROR);
            } catch (RuntimeException releaseFailed) {
                // the store itself is failing; the record stays SENDING and an operator's redrive will find it
                LOG.error("could not return {} delivery for recipient {} to PENDING: {}", channel.id(), recipient.id(), releaseFailed.toString());
            }
            return throttled ? RecipientOutcome.THROTTLED : RecipientOutcome.TRANSIENT;
        }
    }

    /** Whether AWS answered that it is busy (429, or a throttling code such as {@code TooManyRequestsException}). */
    public static boolean isThrottling(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SdkServiceException service && service.isThrottlingException()) {
                return true;
            }
        }
        return false;
    }

    private <T> T withPermit(Supplier<T> work) {
        permits.acquireUninterruptibly();
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
