package dev.herald.local.bus;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.herald.local.aws.LocalQueues;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * herald local's queued functions: the queues (ElasticMQ), the event source mappings that feed the functions from
 * them, and what happens to queued work across a restart. ElasticMQ keeps its messages in memory, so at a stop the
 * messages still queued are moved to the local table's DLQ partition, marked interrupted (kept with {@code --data}),
 * and sent to their queues again at the next start.
 */
public final class LocalMappings implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalMappings.class);
    /** Marks a dead letter that is a queued message kept over a stop: its target is {@code sqs:<queue>}. */
    public static final String QUEUE_TARGET = "sqs:";

    private final LocalQueues queues;
    private final DeadLetterQueue deadLetters;
    private final BooleanSupplier duplicate;
    private final InvocationListener listener;
    private final Clock clock;
    private final List<EventSourceMapping> mappings = new CopyOnWriteArrayList<>();

    /** @param listener told about every message handled, per event (herald local's events log) */
    public LocalMappings(LocalQueues queues, DeadLetterQueue deadLetters, BooleanSupplier duplicate, InvocationListener listener, Clock clock) {
        this.queues = queues;
        this.listener = listener;
        this.deadLetters = deadLetters;
        this.duplicate = duplicate;
        this.clock = clock;
    }

    /** Starts a mapping from {@code queue} to the function. */
    public void map(String function, RequestStreamHandler handler, LocalQueues.Queue queue, EventSourceMapping.Settings settings,
                    int maxReceiveCount) {
        mappings.add(new EventSourceMapping(function, handler, queues.client(), queue, settings, duplicate, listener, maxReceiveCount));
    }

    /** Invocations per mapped function so far. */
    public Map<String, EventSourceMapping.Usage> usage() {
        Map<String, EventSourceMapping.Usage> usage = new LinkedHashMap<>();
        mappings.forEach(m -> usage.put(m.function(), m.usage()));
        return usage;
    }

    /** Work not done yet: batches being handled, and messages in the work queues (not their DLQs). */
    public long inFlight() {
        long running = mappings.stream().mapToLong(EventSourceMapping::running).sum();
        if (!queues.isStarted()) {
            return running;
        }
        return running + queues.depths().stream().filter(d -> !d.queue().endsWith(LocalQueues.DLQ_SUFFIX)).mapToLong(LocalQueues.Depth::total).sum();
    }

    /** The mappings' SQS requests that returned or deleted messages, over all mappings. */
    public long sqsRequests() {
        return mappings.stream().mapToLong(m -> m.usage().sqsRequests()).sum();
    }

    /** Sends the messages a stop kept back to their queues; returns how many. */
    public int resume() {
        int resumed = 0;
        for (DeadLetter letter : deadLetters.list()) {
            if (!letter.target().startsWith(QUEUE_TARGET) || !AsyncInvoker.INTERRUPTED.equals(letter.error())) {
                continue;
            }
            String name = letter.target().substring(QUEUE_TARGET.length());
            LocalQueues.Queue queue = queues.queues().stream().filter(q -> q.name().equals(name)).findFirst().orElse(null);
            if (queue == null || !deadLetters.remove(letter.id())) {
                continue;
            }
            queues.client().sendMessage(r -> r.queueUrl(queue.url()).messageBody(letter.payload()));
            resumed++;
        }
        return resumed;
    }

    /**
     * Stops every mapping (a batch being handled gets {@code grace}), then moves what is still queued into the DLQ
     * partition as interrupted, waiting up to {@code grace} for messages whose visibility timeout or delay is running.
     *
     * @param keep whether the store outlives this run ({@code --data}); if not, the messages are counted as lost
     * @return the messages left in the queues at the stop
     */
    public int stop(Duration grace, boolean keep) {
        mappings.forEach(m -> m.stop(grace));
        if (!queues.isStarted()) {
            return 0;
        }
        int left = 0;
        long deadline = System.nanoTime() + grace.toNanos();
        for (LocalQueues.Queue queue : queues.queues()) {
            left += drain(queue, keep, deadline);
        }
        return left;
    }

    private int drain(LocalQueues.Queue queue, boolean keep, long deadline) {
        SqsClient sqs = queues.client();
        int drained = 0;
        while (true) {
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queue.url()).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) {
                long pending = queues.depth(queue.name()).total();
                if (pending == 0 || System.nanoTime() > deadline) {
                    if (pending > 0) {
                        LOG.warn("{} message(s) of {} were delayed or in flight past the stop and are lost", pending, queue.name());
                    }
                    return drained;
                }
                sleep();
                continue;
            }
            for (Message message : messages) {
                if (keep) {
                    deadLetters.add(new DeadLetter(UUID.randomUUID().toString(), QUEUE_TARGET + queue.name(), null, message.body(),
                            AsyncInvoker.INTERRUPTED, 0, clock.instant()));
                }
                sqs.deleteMessage(r -> r.queueUrl(queue.url()).receiptHandle(message.receiptHandle()));
                drained++;
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5), false);
    }
}
