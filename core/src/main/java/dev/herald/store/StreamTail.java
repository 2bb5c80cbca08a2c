package dev.herald.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Follows a table's stream from the moment it is created, shard by shard, as Lambda's event source mapping does
 * for a stream handler in AWS. herald local polls one of these per streamed table. Not thread-safe: one poller.
 */
public final class StreamTail {

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final Map<String, String> iterators = new HashMap<>();

    public StreamTail(DynamoDbClient dynamo, DynamoDbStreamsClient streams, String table) {
        this.streams = streams;
        this.streamArn = dynamo.describeTable(r -> r.tableName(table)).table().latestStreamArn();
        if (streamArn == null) {
            throw new IllegalStateException("table " + table + " has no stream");
        }
        refreshShards(ShardIteratorType.LATEST);
    }

    /** The records written since the last poll, oldest first, up to {@code limit} per shard. */
    public List<Record> poll(int limit) {
        refreshShards(ShardIteratorType.TRIM_HORIZON);
        List<Record> records = new ArrayList<>();
        for (Map.Entry<String, String> shard : new ArrayList<>(iterators.entrySet())) {
            if (shard.getValue() == null) {
                continue;
            }
            var response = streams.getRecords(r -> r.shardIterator(shard.getValue()).limit(limit));
            records.addAll(response.records());
            iterators.put(shard.getKey(), response.nextShardIterator());
        }
        return records;
    }

    /** Starts following shards not seen before; new shards are read from their start so nothing is skipped. */
    private void refreshShards(ShardIteratorType typeForNewShards) {
        for (Shard shard : streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
            if (!iterators.containsKey(shard.shardId())) {
                String iterator = streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shard.shardId())
                        .shardIteratorType(typeForNewShards)).shardIterator();
                iterators.put(shard.shardId(), iterator);
            }
        }
    }
}
