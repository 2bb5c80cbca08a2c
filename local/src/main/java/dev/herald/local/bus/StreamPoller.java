package dev.herald.local.bus;

import dev.herald.json.Json;
import dev.herald.store.StreamRecords;
import dev.herald.store.StreamTail;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A DynamoDB stream event source, as Lambda's event source mapping runs one: polls a table's stream and invokes a
 * target with each batch of records in Lambda's JSON shape. It starts at {@code LATEST} (see {@link StreamTail}), so a
 * restart with {@code --data} does not replay old changes. herald local uses it for the deliveries table's
 * {@code Delivery Status} events. Unlike a real mapping, a batch whose invocation keeps failing goes to the DLQ rather
 * than blocking its shard.
 */
public final class StreamPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPoller.class);
    /** Records per invocation: Lambda's default batch size for a stream. */
    private static final int BATCH = 100;
    /** Pages read from one shard in one poll at most, so that a busy table's stream keeps up. */
    private static final int MAX_PAGES_PER_POLL = 100;

    private final String table;
    private final StreamTail tail;
    private final ScheduledExecutorService timer;
    private final LongAdder recordsRead = new LongAdder();

    public StreamPoller(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String table, AsyncInvoker invoker, String target,
                        Duration interval) {
        this.table = table;
        // positioned here rather than at the first poll, so that nothing written after construction is missed
        this.tail = new StreamTail(dynamo, streams, table);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-stream-" + table);
            t.setDaemon(true);
            return t;
        });
        // an invocation refused because herald local is busy throws, so its records are read again at the next poll
        Runnable poll = () -> tail.poll(BATCH, MAX_PAGES_PER_POLL, records -> {
            invoker.invoke(target, Json.writeBytes(StreamRecords.toLambdaEvent(records)), null);
            recordsRead.add(records.size());
        });
        timer.scheduleWithFixedDelay(() -> pollSafely(poll), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollSafely(Runnable poll) {
        try {
            poll.run();
        } catch (RuntimeException e) {
            if (timer.isShutdown()) {
                return;
            }
            LOG.warn("polling the stream of {} failed; trying again: {}", table, e.toString());
        }
    }

    /** Stream records handed to the target so far (records from before this poller are not read). */
    public long recordsRead() {
        return recordsRead.sum();
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            // let a poll in progress finish before the store it reads from closes
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
    }
}
