package dev.herald.local.bus;

import dev.herald.json.Json;
import dev.herald.store.StreamRecords;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
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
 * target with each batch of records in Lambda's JSON shape. Changes made before it was constructed are skipped, as
 * with a mapping that starts at {@code LATEST}, so a restart with {@code --data} does not replay old changes; shards
 * opened later are read from their start. herald local uses it for the deliveries table's {@code Delivery Status}
 * events. Unlike a real mapping, a batch whose invocation keeps failing goes to the DLQ rather than blocking its shard.
 */
public final class StreamPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamPoller.class);
    /** Records per invocation: Lambda's default batch size for a stream. */
    private static final int BATCH = 100;
    /** Pages read from one shard in one poll at most; a longer backlog goes on at the next poll. */
    private static final int MAX_PAGES_PER_POLL = 100;
    private static final int REFRESH_SHARDS_EVERY = 20;

    private final DynamoDbStreamsClient streams;
    private final String table;
    private final AsyncInvoker invoker;
    private final String target;
    private final String streamArn;
    private final ScheduledExecutorService timer;
    /** Open shards and the iterator to read each from next. */
    private final Map<String, String> iterators = new LinkedHashMap<>();
    /** Per shard, the last record handed over (or skipped at start): records up to it are never handed over again. */
    private final Map<String, BigInteger> handedOverUpTo = new HashMap<>();
    private final Set<String> finishedShards = new HashSet<>();
    private final LongAdder recordsRead = new LongAdder();
    private boolean refreshNow;
    private int polls;

    public StreamPoller(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String table, AsyncInvoker invoker, String target,
                        Duration interval) {
        this.streams = streams;
        this.table = table;
        this.invoker = invoker;
        this.target = target;
        this.streamArn = dynamo.describeTable(r -> r.tableName(table)).table().latestStreamArn();
        if (streamArn == null) {
            throw new IllegalStateException(table + " has no stream");
        }
        // positioned here rather than at the first poll, so that nothing written after construction is missed
        for (Shard shard : describeShards()) {
            if (shard.sequenceNumberRange().endingSequenceNumber() != null) {
                finishedShards.add(shard.shardId());
            } else {
                skipToEnd(shard.shardId());
            }
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-stream-" + table);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::pollSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Reads an open shard's records without handing them over, remembering the last one. DynamoDB Local's
     * {@code LATEST} iterators do not survive a shard that was empty when they were taken, so this is the way to
     * start after what is already there.
     */
    private void skipToEnd(String shardId) {
        try {
            String iterator = iterator(shardId);
            while (iterator != null) {
                String from = iterator;
                GetRecordsResponse page = streams.getRecords(r -> r.shardIterator(from).limit(1_000));
                if (!page.records().isEmpty()) {
                    handedOverUpTo.put(shardId, sequenceNumber(page.records().getLast()));
                }
                iterator = page.nextShardIterator();
                if (page.records().isEmpty()) {
                    break;
                }
            }
            if (iterator == null) {
                finishedShards.add(shardId);
            } else {
                iterators.put(shardId, iterator);
            }
        } catch (TrimmedDataAccessException | ExpiredIteratorException e) {
            refreshNow = true; // nothing readable yet: the first poll takes a fresh iterator
        }
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
        if (refreshNow || iterators.isEmpty() || ++polls % REFRESH_SHARDS_EVERY == 0) {
            refreshShards();
        }
        readOpenShards();
        if (refreshNow) {
            // a shard ended (DynamoDB rolls them over) or lost its iterator: go on with it, or its successor, in the
            // same poll rather than many polls later
            refreshShards();
            readOpenShards();
        }
    }

    private void readOpenShards() {
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
                // DynamoDB Local answers so for an iterator taken while its shard was empty: take a new one from the
                // shard's start; the records already handed over are filtered out
                iterators.remove(shardId);
                refreshNow = true;
                return;
            }
            BigInteger upTo = handedOverUpTo.get(shardId);
            List<Record> records = response.records().stream()
                    .filter(r -> upTo == null || sequenceNumber(r).compareTo(upTo) > 0)
                    .toList();
            if (!records.isEmpty()) {
                invoker.invoke(target, Json.writeBytes(StreamRecords.toLambdaEvent(records)), null);
                recordsRead.add(records.size());
                handedOverUpTo.put(shardId, sequenceNumber(records.getLast()));
            }
            iterator = response.nextShardIterator();
            if (iterator == null) {
                iterators.remove(shardId);
                finishedShards.add(shardId);
                refreshNow = true;
                return;
            }
            iterators.put(shardId, iterator);
            if (response.records().size() < BATCH) {
                return;
            }
        }
    }

    /** Stream records handed to the target so far (records from before this poller are not read). */
    public long recordsRead() {
        return recordsRead.sum();
    }

    /** Takes an iterator from its start for every open shard that has none. */
    private void refreshShards() {
        refreshNow = false;
        for (Shard shard : describeShards()) {
            String id = shard.shardId();
            if (!iterators.containsKey(id) && !finishedShards.contains(id)) {
                iterators.put(id, iterator(id));
            }
        }
    }

    private List<Shard> describeShards() {
        return streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards();
    }

    private String iterator(String shardId) {
        return streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shardId).shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
    }

    private static BigInteger sequenceNumber(Record record) {
        return new BigInteger(record.dynamodb().sequenceNumber());
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
