package dev.herald.inbox;

import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.inbox.InboxStore.Entry;
import dev.herald.inbox.InboxStore.Page;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import dev.herald.store.TableDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * How {@link InboxStore} reads: a part of a user's index in either direction, and the items behind it, always read
 * consistently, so that a state the index has not caught up with yet never shows.
 */
final class InboxReads {

    static final String PK = HeraldTables.DELIVERIES.partitionKey();
    static final String SK = HeraldTables.DELIVERIES.sortKey().orElseThrow();
    static final TableDefinition.Index BY_RECIPIENT = HeraldTables.DELIVERIES.index("byRecipient");
    static final String STATE = InboxStore.STATE;
    static final String SEEN_AT = "seenAt";
    static final String READ_AT = "readAt";
    static final String ARCHIVED_AT = "archivedAt";

    private final DynamoDbClient dynamo;
    private final String table;

    InboxReads(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * One query of a part of the index, after {@code cursor} in the given direction, with the items read consistently.
     * A key condition takes one range, whose ends are inclusive: ascending starts just above the cursor, descending
     * ends at it and drops it.
     */
    Page part(String userId, InboxPart part, String cursor, int limit, boolean ascending) {
        String from = cursor == null || !ascending ? part.first() : part.key(cursor) + "\u0000";
        String to = cursor == null || ascending ? part.last() : part.key(cursor);
        QueryResponse response = dynamo.query(r -> r.tableName(table).indexName(BY_RECIPIENT.name())
                .keyConditionExpression("#r = :r AND #k BETWEEN :from AND :to")
                .expressionAttributeNames(Map.of("#r", BY_RECIPIENT.partitionKey(), "#k", BY_RECIPIENT.sortKey()))
                .expressionAttributeValues(Map.of(":r", Items.s(userId), ":from", Items.s(from), ":to", Items.s(to)))
                .scanIndexForward(ascending)
                .limit(limit + 1));
        List<Map<String, AttributeValue>> hits = response.items().stream()
                .filter(i -> cursor == null || !InboxPart.position(Items.string(i, BY_RECIPIENT.sortKey())).equals(cursor))
                .toList();
        boolean more = hits.size() > limit || response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty();
        List<Map<String, AttributeValue>> page = hits.size() > limit ? hits.subList(0, limit) : hits;
        Map<DeliveryKey, Entry> read = new HashMap<>();
        batchGet(page.stream().map(i -> Map.of(PK, i.get(PK), SK, i.get(SK))).toList()).forEach(e -> read.put(e.delivery().key(), e));
        List<Entry> entries = page.stream()
                .map(i -> read.get(DeliveryKey.fromSortKey(Items.string(i, PK), Items.string(i, SK))))
                .filter(e -> e != null)
                .toList();
        String next = page.isEmpty() ? cursor : InboxPart.position(Items.string(page.getLast(), BY_RECIPIENT.sortKey()));
        return new Page(entries, next, more);
    }

    Map<DeliveryKey, Entry> load(List<DeliveryKey> keys) {
        Map<DeliveryKey, Entry> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += 100) {
            List<Map<String, AttributeValue>> chunk = keys.subList(from, Math.min(keys.size(), from + 100)).stream()
                    .distinct().map(DeliveryRepository::itemKey).toList();
            batchGet(chunk).forEach(e -> found.put(e.delivery().key(), e));
        }
        return found;
    }

    List<Entry> batchGet(List<Map<String, AttributeValue>> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<Entry> found = new ArrayList<>();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        for (int round = 0; !request.isEmpty(); round++) {
            if (round == 10) {
                throw new IllegalStateException("DynamoDB kept inbox items unprocessed after 10 rounds; try again");
            }
            Map<String, KeysAndAttributes> current = request;
            var response = dynamo.batchGetItem(r -> r.requestItems(current));
            response.responses().getOrDefault(table, List.of()).forEach(i -> found.add(entry(i)));
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return found;
    }

    private static Entry entry(Map<String, AttributeValue> item) {
        return new Entry(DeliveryRepository.fromItem(item), Items.optionalString(item, STATE).flatMap(InboxState::fromId),
                Items.instant(item, SEEN_AT), Items.instant(item, READ_AT), Items.instant(item, ARCHIVED_AT));
    }

}
