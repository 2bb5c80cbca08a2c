package dev.herald.local.bus;

import dev.herald.json.Json;
import dev.herald.store.StreamRecords;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * A DynamoDB stream event source, as Lambda's event source mapping runs one: polls a table's stream and invokes a
 * target with each batch of records in Lambda's JSON shape. Changes made before it started are skipped, so a
 * restart with {@code --data} does not replay old changes. herald local uses it for the deliveries table's {@code Delivery
 * Status} events. Unlike a real mapping, a batch whose invocation keeps failing goes to the DLQ rather than
 * blocking its shard.
 */
public final class StreamPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPoller.class);
    /** Records per invocation: Lambda's default batch size for a stream. */
    private static final int BATCH = 100;
    /** Pages read from one shard in one poll at most; a longer backlog goes on at the next poll. */
    private static final int MAX_PAGES_PER_POLL = 100;
    private static final int REFRESH_SHARDS_EVERY = 20;

    private final DynamoDbClient dynamo;
    private final DynamoDbStreamsClient streams;
    private final String table;
    private final AsyncInvoker invoker;
    private final String target;
    private final ScheduledExecutorService timer;
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Set<String> finishedShards = new HashSet<>();
    private final LongAdder recordsRead = new LongAdder();
    private final java.time.Instant startedAt = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private String streamArn;
    private boolean refreshNow = true;
    private int polls;

    public StreamPoller(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String table, AsyncInvoker invoker, String target,
                        Duration interval) {
        this.dynamo = dynamo;
        this.streams = streams;
        this.table = table;
        this.invoker = invoker;
        this.target = target;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-stream-" + table);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::pollSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            if (timer.isShutdown()) {
                return;
            }
            LOG.warn("polling the stream of {} failed; trying again: {}", table, e.toString());
        }
    }

    private void poll() {
        if (streamArn == null) {
            streamArn = dynamo.describeTable(r -> r.tableName(table)).table().latestStreamArn();
            if (streamArn == null) {
                throw new IllegalStateException(table + " has no stream");
            }
        }
        if (refreshNow || ++polls % REFRESH_SHARDS_EVERY == 0) {
            refreshShards();
        }
        for (Map.Entry<String, String> shard : List.copyOf(iterators.entrySet())) {
            readShard(shard.getKey(), shard.getValue());
        }
    }

    /**
     * Reads one shard until it has nothing more (a page that is not full) or {@link #MAX_PAGES_PER_POLL} pages, so a
     * busy table's stream keeps up rather than falling behind by all but one page per interval. The iterator moves on
     * only once its batch was handed over: a refused invocation reads the same records again at the next poll.
     */
    private void readShard(String shardId, String iterator) {
        for (int page = 0; page < MAX_PAGES_PER_POLL; page++) {
            String from = iterator;
            GetRecordsResponse response;
            try {
                response = streams.getRecords(r -> r.shardIterator(from).limit(BATCH));
            } catch (TrimmedDataAccessException | ExpiredIteratorException e) {
                // DynamoDB Local answers so for an iterator of a shard with nothing to read yet: take a new one
                iterators.remove(shardId);
                refreshNow = true;
                return;
            }
            List<Record> records = response.records().stream()
                    .filter(r -> r.dynamodb().approximateCreationDateTime() == null || !r.dynamodb().approximateCreationDateTime().isBefore(startedAt))
                    .toList();
            if (!records.isEmpty()) {
                invoker.invoke(target, Json.writeBytes(StreamRecords.toLambdaEvent(records)), null);
                recordsRead.add(records.size());
            }
            iterator = response.nextShardIterator();
            if (iterator == null) {
                iterators.remove(shardId);
                finishedShards.add(shardId);
                return;
            }
            iterators.put(shardId, iterator);
            if (response.records().size() < BATCH) {
                return;
            }
        }
    }

    /** Stream records handed to the target so far (records older than this poller are not counted). */
    public long recordsRead() {
        return recordsRead.sum();
    }

    /** Reads every shard from its start; records older than this poller are filtered out. */
    private void refreshShards() {
        refreshNow = false;
        List<Shard> shards = streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards();
        for (Shard shard : shards) {
            String id = shard.shardId();
            if (iterators.containsKey(id) || finishedShards.contains(id)) {
                continue;
            }
            iterators.put(id, streams.getShardIterator(r -> r.streamArn(streamArn).shardId(id)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator());
        }
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
