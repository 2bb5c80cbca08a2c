package dev.herald.store;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Follows a table's stream from the moment it is created, shard by shard, as Lambda's event source mapping does for a
 * stream handler that starts at {@code LATEST}: records already in the stream are skipped, shards opened later
 * (DynamoDB rolls them over) are read from their start, and no record is handed over twice. herald local's stream
 * poller reads the deliveries table through one. Not thread-safe: one reader.
 */
public final class StreamTail {

    /** Pages read from one shard in one poll at most; a longer backlog goes on at the next poll. */
    private static final int MAX_PAGES_PER_POLL = 100;
    private static final int REFRESH_SHARDS_EVERY = 20;

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    /** Open shards and the iterator to read each from next. */
    private final Map<String, String> iterators = new LinkedHashMap<>();
    /** Per shard, the last record handed over (or skipped at start): records up to it are never handed over again. */
    private final Map<String, BigInteger> handedOverUpTo = new HashMap<>();
    private final Set<String> finishedShards = new HashSet<>();
    private boolean refreshNow;
    private int polls;

    public StreamTail(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String table) {
        this.streams = streams;
        this.streamArn = dynamo.describeTable(r -> r.tableName(table)).table().latestStreamArn();
        if (streamArn == null) {
            throw new IllegalStateException("table " + table + " has no stream");
        }
        for (Shard shard : describeShards()) {
            if (shard.sequenceNumberRange().endingSequenceNumber() != null) {
                finishedShards.add(shard.shardId());
            } else {
                skipToEnd(shard.shardId());
            }
        }
    }

    /** The records written since the last poll, oldest first per shard, up to {@code limit} per shard. */
    public List<Record> poll(int limit) {
        List<Record> records = new ArrayList<>();
        poll(limit, 1, records::addAll);
        return records;
    }

    /**
     * Hands the records written since the last poll to {@code consumer}, a page of at most {@code pageSize} at a time,
     * reading each shard until it has nothing more or {@code maxPages} pages. A page counts as read only once the
     * consumer returns: if it throws, the same records come again at the next poll.
     */
    public void poll(int pageSize, int maxPages, Consumer<List<Record>> consumer) {
        if (refreshNow || iterators.isEmpty() || ++polls % REFRESH_SHARDS_EVERY == 0) {
            refreshShards();
        }
        readOpenShards(pageSize, maxPages, consumer);
        if (refreshNow) {
            // a shard ended or lost its iterator: go on with it, or its successor, in this poll rather than many later
            refreshShards();
            readOpenShards(pageSize, maxPages, consumer);
        }
    }

    private void readOpenShards(int pageSize, int maxPages, Consumer<List<Record>> consumer) {
        for (Map.Entry<String, String> shard : List.copyOf(iterators.entrySet())) {
            readShard(shard.getKey(), shard.getValue(), pageSize, Math.min(maxPages, MAX_PAGES_PER_POLL), consumer);
        }
    }

    private void readShard(String shardId, String iterator, int pageSize, int maxPages, Consumer<List<Record>> consumer) {
        for (int page = 0; page < maxPages; page++) {
            GetRecordsResponse response = getRecords(shardId, iterator, pageSize);
            if (response == null) {
                return;
            }
            BigInteger upTo = handedOverUpTo.get(shardId);
            List<Record> records = response.records().stream()
                    .filter(r -> upTo == null || sequenceNumber(r).compareTo(upTo) > 0)
                    .toList();
            if (!records.isEmpty()) {
                consumer.accept(records);
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
            if (response.records().size() < pageSize) {
                return;
            }
        }
    }

    /**
     * Reads an open shard's records without handing them over, remembering the last one. A {@code LATEST} iterator
     * would do this in AWS, but DynamoDB Local refuses, as trimmed, one taken while its shard was empty.
     */
    private void skipToEnd(String shardId) {
        String iterator = iterator(shardId);
        while (iterator != null) {
            GetRecordsResponse page = getRecords(shardId, iterator, 1_000);
            if (page == null) {
                return;
            }
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
    }

    /** One page, or null when the iterator was refused; the shard then gets a new iterator from its start. */
    private GetRecordsResponse getRecords(String shardId, String iterator, int limit) {
        try {
            return streams.getRecords(r -> r.shardIterator(iterator).limit(limit));
        } catch (TrimmedDataAccessException | ExpiredIteratorException e) {
            // DynamoDB Local refuses so an iterator taken while its shard was empty; records already handed over
            // are filtered out of what the new one reads
            iterators.remove(shardId);
            refreshNow = true;
            return null;
        }
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
}
