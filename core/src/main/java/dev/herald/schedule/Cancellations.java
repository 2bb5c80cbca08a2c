package dev.herald.schedule;

import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * What a type's {@code cancelOn} needs: an index from a match value (e.g. a booking id) to the events that wait on
 * it, and a tombstone for a value that was cancelled. Both live in the deliveries table under
 * {@code pk} = {@code #cancel#type#value}: one item per waiting event ({@code sk} = its event id) and the tombstone
 * ({@code sk} = {@code #cancelled}, with the cancelling event's time).
 *
 * <p>The processor registers an event and reads the tombstone before it creates the event's deliveries; a cancel
 * writes the tombstone and then reads the registrations, withdrawing the deliveries it finds SCHEDULED. A cancel that
 * comes between the processor's read and its deliveries' creation finds none yet; the due function reads the tombstone
 * again when the wait comes due, and withdraws them then. So no waiting event escapes a cancel that arrived in time.
 * The tombstone is kept until the last registered event it withdraws has been due for the retention.
 */
public final class Cancellations {

    private static final String PK = HeraldTables.DELIVERIES.partitionKey();
    private static final String SK = HeraldTables.DELIVERIES.sortKey().orElseThrow();
    private static final String TOMBSTONE = "#cancelled";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Duration retention;

    public Cancellations(DynamoDbClient dynamo, String table, Clock clock, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.retention = retention;
    }

    /** Records that {@code eventId} (of {@code eventTime}) waits until {@code dueAt} and can be cancelled by {@code value}. */
    public void register(String typeId, String value, String eventId, Instant eventTime, Instant dueAt) {
        dynamo.putItem(r -> r.tableName(table).item(Items.item()
                .s(PK, pk(typeId, value)).s(SK, eventId).s("eventTime", eventTime).n("dueAt", dueAt.getEpochSecond())
                .n(HeraldTables.TTL, dueAt.plus(retention).getEpochSecond()).build()));
    }

    /** Whether a cancel for {@code value} arrived that is not older than the event, so withdraws it. */
    public boolean isCancelled(String typeId, String value, Instant eventTime) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(Map.of(PK, Items.s(pk(typeId, value)),
                SK, Items.s(TOMBSTONE))).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return false;
        }
        long cancelledAt = Items.number(item, "cancelTime", Long.MAX_VALUE);
        return eventTime == null || cancelledAt >= eventTime.toEpochMilli();
    }

    /**
     * Records the cancel of {@code value} at {@code cancelTime} (the cancelling event's time), and returns the ids of
     * the events registered as waiting on it, whose scheduled deliveries the caller withdraws.
     */
    public List<String> cancel(String typeId, String value, Instant cancelTime) {
        Instant at = cancelTime == null ? clock.instant() : cancelTime;
        keepTombstone(typeId, value, at, clock.instant());
        Registered registered = registered(typeId, value);
        // kept as long as what it withdraws may still come due
        if (registered.lastDue() != null && registered.lastDue().isAfter(clock.instant())) {
            keepTombstone(typeId, value, at, registered.lastDue());
        }
        return registered.eventIds();
    }

    /**
     * Records the cancel at {@code at} (epoch milliseconds, so that later cancels compare as later) until {@code until}
     * plus the retention; a later cancel keeps the latest time, so that an event between two cancels is still withdrawn.
     */
    private void keepTombstone(String typeId, String value, Instant at, Instant until) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(Map.of(PK, Items.s(pk(typeId, value)), SK, Items.s(TOMBSTONE)))
                    .updateExpression("SET #t = :t, #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#t) OR #t <= :t")
                    .expressionAttributeNames(Map.of("#t", "cancelTime", "#ttl", HeraldTables.TTL))
                    .expressionAttributeValues(Map.of(":t", Items.n(at.toEpochMilli()),
                            ":ttl", Items.n(until.plus(retention).getEpochSecond()))));
        } catch (ConditionalCheckFailedException laterCancelRecorded) {
            // the tombstone already holds a later time, which withdraws all this one would
        }
    }

    private record Registered(List<String> eventIds, Instant lastDue) {
    }

    /** The ids of the events registered under {@code value}, and when the last of them is due. */
    private Registered registered(String typeId, String value) {
        List<String> events = new ArrayList<>();
        long lastDue = 0;
        // the SDK's paginator follows LastEvaluatedKey through every page
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", PK))
                .expressionAttributeValues(Map.of(":pk", Items.s(pk(typeId, value))))).items()) {
            if (!Items.string(item, SK).startsWith("#")) {
                events.add(Items.string(item, SK));
                lastDue = Math.max(lastDue, Items.number(item, "dueAt", 0));
            }
        }
        return new Registered(events, lastDue == 0 ? null : Instant.ofEpochSecond(lastDue));
    }

    private static String pk(String typeId, String value) {
        return "#cancel#" + typeId + "#" + Waits.keyPart(value);
    }
}
