package dev.herald.local.bus;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.local.aws.LocalQueues;
import dev.herald.queue.BatchResponse;
import dev.herald.queue.QueueBatch;
import dev.herald.queue.QueueLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A Lambda event source mapping from an SQS queue to a function, as Lambda runs one: up to
 * {@code maximumConcurrency} pollers, each long-polling for a batch (up to the batch size, gathered for up to the
 * batching window), invoking the function synchronously with it, and deleting what the function did not report in
 * {@code batchItemFailures}. A reported failure stays in the queue and comes back once its visibility timeout has
 * passed (or goes to the DLQ after the redrive policy's receives). A function that throws, or answers with an id
 * that was not in the batch, fails the whole batch.
 */
public final class EventSourceMapping implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventSourceMapping.class);

    /** The mapping's settings, as the stack sets them on {@code AWS::Lambda::EventSourceMapping}. */
    public record Settings(int batchSize, Duration batchingWindow, int maximumConcurrency) {
        public Settings {
            if (batchSize < 1 || maximumConcurrency < 1) {
                throw new IllegalArgumentException("a mapping needs a batch size and a maximum concurrency of at least 1");
            }
        }
    }

    /** What the mapping has done: invocations made, and the time spent in the function, for usage and cost. */
    public record Usage(long invocations, long handlerNanos, long messages, long sqsRequests) {
    }

    private final String function;
    private final RequestStreamHandler handler;
    private final SqsClient sqs;
    private final LocalQueues.Queue queue;
    private final Settings settings;
    private final BooleanSupplier duplicate;
    private final InvocationListener listener;
    private final int maxReceiveCount;
    private final ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong handlerNanos = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong sqsRequests = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopping;
    /** Messages the function failed, waiting out their visibility timeout: handed back at a stop, so none waits past it. */
    private final Map<String, String> waitingForRetry = new ConcurrentHashMap<>();

    /**
     * @param duplicate asked per batch: true hands the batch to the function a second time, as SQS's at-least-once
     *                  delivery may
     */
    public EventSourceMapping(String function, RequestStreamHandler handler, SqsClient sqs, LocalQueues.Queue queue, Settings settings,
                              BooleanSupplier duplicate, InvocationListener listener, int maxReceiveCount) {
        this.listener = listener;
        this.maxReceiveCount = maxReceiveCount;
        this.function = function;
        this.handler = handler;
        this.sqs = sqs;
        this.queue = queue;
        this.settings = settings;
        this.duplicate = duplicate;
        for (int i = 0; i < settings.maximumConcurrency(); i++) {
            pollers.execute(this::poll);
        }
    }

    public String function() {
        return function;
    }

    public LocalQueues.Queue queue() {
        return queue;
    }

    public Usage usage() {
        return new Usage(invocations.get(), handlerNanos.get(), messages.get(), sqsRequests.get());
    }

    private void poll() {
        while (!stopping) {
            try {
                List<Message> batch = receiveBatch();
                if (!batch.isEmpty()) {
                    // even while stopping: what was received is handled within the stop's grace, as Lambda would
                    handle(batch);
                }
            } catch (RuntimeException e) {
                if (!stopping) {
                    LOG.warn("mapping {} → {} could not poll: {}", queue.name(), function, e.toString());
                    sleep(Duration.ofMillis(500));
                }
            }
        }
    }

    private List<Message> receiveBatch() {
        List<Message> batch = new ArrayList<>();
        long windowEnds = System.nanoTime() + settings.batchingWindow().toNanos();
        while (batch.size() < settings.batchSize() && !stopping) {
            int wanted = Math.min(QueueLimits.BATCH_ENTRIES, settings.batchSize() - batch.size());
            boolean first = batch.isEmpty();
            int waitSeconds = first ? 1 : (int) Math.min(1, Math.max(0, TimeUnit.NANOSECONDS.toSeconds(windowEnds - System.nanoTime())));
            List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queue.url()).maxNumberOfMessages(wanted).waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            batch.addAll(received);
            received.forEach(m -> waitingForRetry.remove(m.messageId()));
            if (!received.isEmpty()) {
                sqsRequests.incrementAndGet();
            }
            if (batch.isEmpty() || System.nanoTime() >= windowEnds || (received.isEmpty() && !first)) {
                break;
            }
        }
        return batch;
    }

    private void handle(List<Message> batch) {
        running.incrementAndGet();
        try {
            handleCounted(batch);
        } finally {
            running.decrementAndGet();
        }
    }

    /** Batches being handled right now. */
    public int running() {
        return running.get();
    }

    private void handleCounted(List<Message> batch) {
        messages.addAndGet(batch.size());
        QueueBatch event = new QueueBatch(batch.stream().map(this::record).toList());
        List<Invocation> invocations = batch.stream().map(this::invocation).toList();
        for (int i = 0; i < batch.size(); i++) {
            listener.started(invocations.get(i), event.records().get(i).receiveCount());
        }
        byte[] payload = Json.writeBytes(event);
        Set<String> first = invoke(payload, event);
        Set<String> failed = duplicate.getAsBoolean() ? invoke(payload, event) : first;
        for (int i = 0; i < batch.size(); i++) {
            Message message = batch.get(i);
            boolean retried = failed.contains(message.messageId());
            report(invocations.get(i), event.records().get(i).receiveCount(), retried);
            if (retried) {
                waitingForRetry.put(message.messageId(), message.receiptHandle());
            }
        }
        List<DeleteMessageBatchRequestEntry> done = batch.stream().filter(m -> !failed.contains(m.messageId()))
                .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId()).receiptHandle(m.receiptHandle()).build())
                .toList();
        for (int from = 0; from < done.size(); from += QueueLimits.BATCH_ENTRIES) {
            List<DeleteMessageBatchRequestEntry> part = done.subList(from, Math.min(done.size(), from + QueueLimits.BATCH_ENTRIES));
            sqs.deleteMessageBatch(r -> r.queueUrl(queue.url()).entries(part));
            sqsRequests.incrementAndGet();
        }
    }

    /** Invokes the function with the batch ({@code payload} is {@code batch} as JSON); returns the ids of the messages that failed. */
    private Set<String> invoke(byte[] payload, QueueBatch batch) {
        Set<String> all = new HashSet<>();
        batch.records().forEach(m -> all.add(m.messageId()));
        long started = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(payload), out, null);
        } catch (IOException | RuntimeException | Error e) {
            LOG.error("{} failed on a batch of {} from {}; every message of it is retried: {}", function, all.size(), queue.name(), e.toString());
            return all;
        } finally {
            invocations.incrementAndGet();
            handlerNanos.addAndGet(System.nanoTime() - started);
        }
        if (out.size() == 0) {
            return Set.of();
        }
        BatchResponse response;
        try {
            response = Json.read(out.toString(StandardCharsets.UTF_8), BatchResponse.class);
        } catch (RuntimeException unreadable) {
            return Set.of();
        }
        Set<String> failed = new HashSet<>();
        for (BatchResponse.ItemFailure failure : response.batchItemFailures()) {
            if (failure.itemIdentifier() == null || !all.contains(failure.itemIdentifier())) {
                // Lambda treats a response it cannot match to the batch as a failure of all of it
                LOG.error("{} reported a failure for {}, which was not in its batch; the whole batch is retried", function, failure.itemIdentifier());
                return all;
            }
            failed.add(failure.itemIdentifier());
        }
        return failed;
    }

    /** The events log's view of a message: one step per message of the event it belongs to, its receives as attempts. */
    private Invocation invocation(Message m) {
        return new Invocation(m.messageId(), function, m.body().getBytes(StandardCharsets.UTF_8), eventId(m.body()));
    }

    private void report(Invocation invocation, int receives, boolean failed) {
        if (!failed) {
            listener.succeeded(invocation, receives, new byte[0]);
        } else if (receives >= maxReceiveCount) {
            listener.deadLettered(invocation, receives, "failed on its last receive; SQS moves it to " + queue.name() + LocalQueues.DLQ_SUFFIX,
                    LocalMappings.QUEUE_TARGET + queue.name() + LocalQueues.DLQ_SUFFIX);
        } else {
            listener.retrying(invocation, receives, function + " reported it failed; it comes back after its visibility timeout", 0);
        }
    }

    /** The event a message belongs to: a dispatch's notification, or a unit's or a page's event. */
    private static String eventId(String body) {
        try {
            JsonNode node = Json.parse(body);
            String id = node.path("notificationId").asText(node.path("event").path("id").asText(""));
            return id.isEmpty() ? null : id;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private QueueBatch.Message record(Message m) {
        Map<String, String> attributes = new HashMap<>();
        m.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
        return new QueueBatch.Message(m.messageId(), m.receiptHandle(), m.body(), attributes, QueueBatch.Message.EVENT_SOURCE, queue.arn());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops polling; a batch being handled gets {@code grace} to finish. Messages waiting out a retry's visibility
     * timeout are made visible again, so that what is still queued can be kept over the stop.
     */
    public void stop(Duration grace) {
        stopping = true;
        pollers.shutdown();
        try {
            if (!pollers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                pollers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        waitingForRetry.forEach((id, receipt) -> {
            try {
                sqs.changeMessageVisibility(r -> r.queueUrl(queue.url()).receiptHandle(receipt).visibilityTimeout(0));
            } catch (RuntimeException goneToTheDlq) {
                LOG.debug("message {} of {} is no longer waiting: {}", id, queue.name(), goneToTheDlq.toString());
            }
        });
        waitingForRetry.clear();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
