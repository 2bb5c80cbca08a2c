package dev.herald.processor;

import dev.herald.catalog.RateLimit;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Counts notifications per recipient and category in fixed windows, in the recipients table
 * ({@code RATE#recipient#category / window start}), with one conditional increment per notification. Counters
 * expire with their window. A type's per-source limit counts the same way, with {@code SOURCE#source} as the
 * recipient and the type as the category. Thread-safe.
 */
public final class RateLimiter {

    private static final String PK = HeraldTables.RECIPIENTS.partitionKey();
    private static final String SK = HeraldTables.RECIPIENTS.sortKey().orElseThrow();

    private final DynamoDbClient dynamo;
    private final String table;

    public RateLimiter(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * Counts one event once, however many work units it travels in: the first unit to ask decides, and records its
     * decision ({@code DECISION#eventId / key#category}, expiring with the window), which the event's other units
     * then read. So an event is allowed or refused whole.
     */
    public boolean tryAcquireOnce(String eventId, String key, String category, RateLimit limit, Instant now) {
        Map<String, AttributeValue> decisionKey = Map.of(PK, Items.s("DECISION#" + eventId), SK, Items.s(key + "#" + category));
        Map<String, AttributeValue> earlier = dynamo.getItem(r -> r.tableName(table).key(decisionKey).consistentRead(true)).item();
        if (earlier != null && !earlier.isEmpty()) {
            return Items.bool(earlier, "allowed", false);
        }
        boolean allowed = tryAcquire(key, category, limit, now);
        long expires = now.getEpochSecond() + limit.per().toSeconds();
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(Items.item().s(PK, "DECISION#" + eventId).s(SK, key + "#" + category).bool("allowed", allowed)
                            .n(HeraldTables.TTL, expires).build())
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return allowed;
        } catch (ConditionalCheckFailedException anotherUnitDecided) {
            // two units asked at once: the recorded decision stands for both (the event was counted twice)
            return Items.bool(dynamo.getItem(r -> r.tableName(table).key(decisionKey).consistentRead(true)).item(), "allowed", false);
        }
    }

    /** Counts one notification; false when the recipient already had {@code limit.max()} in this window. */
    public boolean tryAcquire(String recipientId, String category, RateLimit limit, Instant now) {
        long windowSeconds = limit.per().toSeconds();
        long windowStart = now.getEpochSecond() / windowSeconds * windowSeconds;
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of(PK, Items.s("RATE#" + recipientId + "#" + category), SK, Items.s(Long.toString(windowStart))))
                    .updateExpression("ADD #count :one SET #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#count) OR #count < :max")
                    .expressionAttributeNames(Map.of("#count", "count", "#ttl", HeraldTables.TTL))
                    .expressionAttributeValues(Map.of(":one", Items.n(1), ":max", Items.n(limit.max()),
                            ":ttl", Items.n(windowStart + windowSeconds))));
            return true;
        } catch (ConditionalCheckFailedException overLimit) {
            return false;
        }
    }
}
