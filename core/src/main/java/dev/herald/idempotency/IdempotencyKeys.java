package dev.herald.idempotency;

import dev.herald.schedule.Waits;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Idempotency keys: the first event of a type to claim a key within the window owns it, and every other event with
 * that key is a duplicate, whatever its event id. One conditional write per event: an item ({@code pk} =
 * {@code #idem#type#key}) in the deliveries table that names the owning event and when the claim expires. The same
 * event claiming again (a retry) still owns it. An expired claim is taken over, before TTL has removed it.
 */
public final class IdempotencyKeys {

    private static final String PK = HeraldTables.DELIVERIES.partitionKey();
    private static final String SK = HeraldTables.DELIVERIES.sortKey().orElseThrow();

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public IdempotencyKeys(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /**
     * Claims {@code key} of {@code typeId} for {@code eventId} for {@code window}. Returns empty when the event owns
     * the key (now or already), or the id of the event that owns it.
     */
    public Optional<String> claim(String typeId, String key, String eventId, Duration window) {
        Instant now = clock.instant();
        try {
            dynamo.putItem(r -> r.tableName(table).item(Items.item()
                            .s(PK, pk(typeId, key))
                            .s(SK, "#idem")
                            .s("eventId", eventId)
                            .n("expiresAt", now.plus(window).getEpochSecond())
                            .n(HeraldTables.TTL, now.plus(window).getEpochSecond())
                            .build())
                    .conditionExpression("attribute_not_exists(#pk) OR #event = :event OR #expires < :now")
                    .expressionAttributeNames(Map.of("#pk", PK, "#event", "eventId", "#expires", "expiresAt"))
                    .expressionAttributeValues(Map.of(":event", Items.s(eventId), ":now", Items.n(now.getEpochSecond())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Optional.empty();
        } catch (ConditionalCheckFailedException taken) {
            Map<String, AttributeValue> owner = taken.item();
            return Optional.of(owner == null ? "another event" : Items.string(owner, "eventId"));
        }
    }

    private static String pk(String typeId, String key) {
        return "#idem#" + typeId + "#" + Waits.keyPart(key);
    }
}
