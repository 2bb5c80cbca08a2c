package dev.herald.connection;

import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import dev.herald.store.TableDefinition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * WebSocket connections, keyed by connection id, with an index by user. Each record expires with API Gateway's
 * 2-hour limit, which cleans up what a missed {@code $disconnect} leaves behind. Thread-safe.
 */
public final class ConnectionRepository {

    private static final String PK = HeraldTables.CONNECTIONS.partitionKey();
    private static final TableDefinition.Index BY_USER = HeraldTables.CONNECTIONS.index("byUser");

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public ConnectionRepository(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    public void put(Connection c) {
        dynamo.putItem(r -> r.tableName(table).item(Items.item()
                .s(PK, c.connectionId())
                .s(BY_USER.partitionKey(), c.userId())
                .s("connectedAt", c.connectedAt())
                .n(HeraldTables.TTL, c.expiresAt().getEpochSecond())
                .build()));
    }

    /** Removes a connection and returns what was stored, if anything. */
    public Optional<Connection> delete(String connectionId) {
        Map<String, AttributeValue> old = dynamo.deleteItem(r -> r.tableName(table)
                .key(Map.of(PK, Items.s(connectionId))).returnValues(ReturnValue.ALL_OLD)).attributes();
        return old == null || old.isEmpty() ? Optional.empty() : Optional.of(connection(old));
    }

    /**
     * Deletes a connection that API Gateway answered 410 (gone) for, unless it connected within {@code handshake}:
     * {@code $connect} stores the record before API Gateway completes the handshake, and a post in between is also
     * answered 410, by a connection that is about to open. Returns false when it was kept for that reason.
     */
    public boolean deleteGone(String connectionId, Duration handshake) {
        // expiresAt is connectedAt plus the maximum lifetime, in whole seconds
        long youngest = clock.instant().minus(handshake).plus(Connection.MAX_LIFETIME).getEpochSecond();
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(Map.of(PK, Items.s(connectionId)))
                    .conditionExpression("attribute_not_exists(#pk) OR #expires < :youngest")
                    .expressionAttributeNames(Map.of("#pk", PK, "#expires", HeraldTables.TTL))
                    .expressionAttributeValues(Map.of(":youngest", Items.n(youngest))));
            return true;
        } catch (ConditionalCheckFailedException stillConnecting) {
            return false;
        }
    }

    public Optional<Connection> find(String connectionId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(Map.of(PK, Items.s(connectionId)))).item();
        if (item == null || item.isEmpty() || expired(item)) {
            return Optional.empty();
        }
        return Optional.of(connection(item));
    }

    /** Connection ids of a user's live connections. Expired records that TTL has not removed yet are left out. */
    public List<String> forUser(String userId) {
        List<String> ids = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = dynamo.query(r -> r.tableName(table).indexName(BY_USER.name())
                    .keyConditionExpression("#u = :u")
                    .expressionAttributeNames(Map.of("#u", BY_USER.partitionKey()))
                    .expressionAttributeValues(Map.of(":u", Items.s(userId)))
                    .exclusiveStartKey(exclusiveStart));
            page.items().forEach(i -> ids.add(Items.string(i, PK)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return ids;
    }

    private boolean expired(Map<String, AttributeValue> item) {
        return Items.number(item, HeraldTables.TTL, Long.MAX_VALUE) <= clock.instant().getEpochSecond();
    }

    private static Connection connection(Map<String, AttributeValue> item) {
        return new Connection(Items.string(item, PK), Items.string(item, BY_USER.partitionKey()), Items.instant(item, "connectedAt"));
    }
}
