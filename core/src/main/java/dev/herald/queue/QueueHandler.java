package dev.herald.queue;

import dev.herald.json.Json;
import dev.herald.lambda.JsonHandler;
import dev.herald.observability.Correlation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A function fed by an SQS event source mapping with {@code ReportBatchItemFailures}: handles each message of the
 * batch on its own and reports only the failed ones, so a retry never repeats the others. A failed message backs off
 * by its receive count ({@link RetryBackoff}, through its visibility timeout) and goes to the queue's DLQ after the
 * redrive policy's {@code maxReceiveCount} receives.
 *
 * <p>Throwing from {@link #process} is the one way to ask for a retry: permanent problems are recorded by the
 * subclass, never thrown.
 */
public abstract class QueueHandler<T> extends JsonHandler<QueueBatch, BatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(QueueHandler.class);

    private final Class<T> messageType;
    private final WorkQueue queue;
    private final RetryBackoff backoff;

    /**
     * @param queue the queue this function consumes, whose messages' visibility it changes to back off; null when
     *              nothing is received from a queue (a caller that hands the work over directly), in which case a
     *              failed message waits for the queue's visibility timeout
     */
    protected QueueHandler(Class<T> messageType, WorkQueue queue, RetryBackoff backoff) {
        super(QueueBatch.class);
        this.messageType = messageType;
        this.queue = queue;
        this.backoff = backoff;
    }

    @Override
    public final BatchResponse handle(QueueBatch batch) {
        List<String> failed = new ArrayList<>();
        for (QueueBatch.Message message : batch.records()) {
            if (!attempt(message)) {
                failed.add(message.messageId());
            }
        }
        return failed.isEmpty() ? BatchResponse.ALL_DONE : BatchResponse.failed(failed);
    }

    private boolean attempt(QueueBatch.Message received) {
        T message;
        try {
            message = Json.read(received.body(), messageType);
        } catch (RuntimeException unreadable) {
            // nothing can be recorded for it; it is failed at once on every receive and so reaches the DLQ quickly
            LOG.error("message {} is not a {} and cannot be handled: {}; it goes to the queue's DLQ", received.messageId(),
                    messageType.getSimpleName(), unreadable.getMessage());
            retryAfter(received, Duration.ZERO);
            return false;
        }
        try {
            Correlation.with(correlationIdOf(message), () -> {
                process(message, received);
                return null;
            });
            return true;
        } catch (RuntimeException e) {
            Duration wait = backoff.after(received.receiveCount());
            Correlation.with(correlationIdOf(message), () -> {
                LOG.warn("{} failed on receive {}; retried in {} s unless the queue's DLQ takes it: {}", messageType.getSimpleName(),
                        received.receiveCount(), wait.toSeconds(), e.getMessage());
                return null;
            });
            retryAfter(received, wait);
            return false;
        }
    }

    private void retryAfter(QueueBatch.Message received, Duration wait) {
        if (queue == null) {
            return;
        }
        try {
            queue.retryAfter(received.receiptHandle(), wait);
        } catch (RuntimeException e) {
            // the queue's own visibility timeout applies instead
            LOG.warn("could not set the retry of message {} to {} s: {}", received.messageId(), wait.toSeconds(), e.toString());
        }
    }

    /** The queue this function consumes. */
    protected final WorkQueue queue() {
        if (queue == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " was built without its queue");
        }
        return queue;
    }

    /** Handles one message; throws to have it retried. */
    protected abstract void process(T message, QueueBatch.Message received);

    /** The id that ties the message's log lines together: its notification's event id. */
    protected abstract String correlationIdOf(T message);

    @Override
    protected final String correlationId(QueueBatch batch) {
        return batch.records().size() == 1 ? batch.records().getFirst().messageId() : "batch of " + batch.records().size();
    }
}
