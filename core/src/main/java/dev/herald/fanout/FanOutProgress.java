package dev.herald.fanout;

import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The progress of a topic notification's fan-out, beside its deliveries (pk = the event id, sk = {@code #fanout}):
 * pages read, members resolved, work units handed to the processor, deliveries created and sent. Each page of
 * members leaves a marker ({@code #fanout#page#n}) written in one transaction with the counts, so a page handled
 * twice (a duplicate message, a retry after a crash) is counted once, and is skipped once its marker exists.
 * The items carry no {@code status}, so the deliveries stream's {@code Delivery Status} events never see them.
 * Thread-safe.
 */
public final class FanOutProgress {

    public static final String SORT_KEY = "#fanout";
    private static final String PAGE = SORT_KEY + "#page#";
    private static final String PK = HeraldTables.DELIVERIES.partitionKey();
    private static final String SK = HeraldTables.DELIVERIES.sortKey().orElseThrow();

    /** Where a fan-out stands. {@code complete} once its last page is read; deliveries and sends may still be coming. */
    public record Progress(String eventId, String typeId, List<String> topics, long pages, long membersResolved, long units,
                           long deliveriesCreated, long sent, boolean complete, Instant startedAt, Instant updatedAt) {
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Duration retention;

    public FanOutProgress(DynamoDbClient dynamo, String table, Clock clock, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.retention = retention;
    }

    /** Records that the fan-out started; a repeated start (a retried event) keeps the first record and its counts. */
    public void start(String eventId, String typeId, List<String> topics) {
        Instant now = clock.instant();
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(Items.item().s(PK, eventId).s(SK, SORT_KEY).s("typeId", typeId).s("topics", String.join(",", topics))
                            .n("pages", 0).n("membersResolved", 0).n("units", 0).n("deliveriesCreated", 0).n("sent", 0)
                            .s("startedAt", now.toString()).s("updatedAt", now.toString()).n(HeraldTables.TTL, expiry(now)).build())
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
        } catch (ConditionalCheckFailedException alreadyStarted) {
            // a retry of the same event: the fan-out goes on from where it is
        }
    }

    /** Whether page {@code page} has been handled already. */
    public boolean pageDone(String eventId, int page) {
        return dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(PK, Items.s(eventId), SK, Items.s(PAGE + page)))).hasItem();
    }

    /**
     * Marks page {@code page} handled and adds its counts, in one transaction; false when the page was already
     * marked (by a duplicate), in which case nothing is counted again.
     */
    public boolean completePage(String eventId, int page, int members, int units, boolean last) {
        Instant now = clock.instant();
        Put marker = Put.builder().tableName(table)
                .item(Items.item().s(PK, eventId).s(SK, PAGE + page).n("members", members).n(HeraldTables.TTL, expiry(now)).build())
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK))
                .build();
        String update = "ADD #pages :one, #members :members, #units :units SET #updatedAt = :now" + (last ? ", #complete = :true" : "");
        Map<String, String> names = new HashMap<>(Map.of("#pages", "pages", "#members", "membersResolved", "#units", "units",
                "#updatedAt", "updatedAt"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", Items.n(1), ":members", Items.n(members),
                ":units", Items.n(units), ":now", Items.s(now.toString())));
        if (last) {
            names.put("#complete", "complete");
            values.put(":true", AttributeValue.fromBool(true));
        }
        Update counts = Update.builder().tableName(table).key(progressKey(eventId)).updateExpression(update)
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
        try {
            dynamo.transactWriteItems(r -> r.transactItems(TransactWriteItem.builder().put(marker).build(),
                    TransactWriteItem.builder().update(counts).build()));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()))) {
                return false;
            }
            throw e;
        }
    }

    /** Adds deliveries the processor created for the fan-out. */
    public void addCreated(String eventId, long count) {
        add(eventId, "deliveriesCreated", count);
    }

    /** Adds deliveries a channel sent for the fan-out. */
    public void addSent(String eventId, long count) {
        add(eventId, "sent", count);
    }

    private void add(String eventId, String counter, long count) {
        if (count == 0) {
            return;
        }
        try {
            dynamo.updateItem(r -> r.tableName(table).key(progressKey(eventId))
                    .updateExpression("ADD #counter :count SET #updatedAt = :now")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#counter", counter, "#updatedAt", "updatedAt", "#pk", PK))
                    .expressionAttributeValues(Map.of(":count", Items.n(count), ":now", Items.s(clock.instant().toString()))));
        } catch (ConditionalCheckFailedException expired) {
            // the progress record is gone (TTL): counting is for watching, the deliveries themselves are recorded
        }
    }

    public Optional<Progress> find(String eventId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(progressKey(eventId))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        String topics = Items.string(item, "topics");
        return Optional.of(new Progress(eventId, Items.string(item, "typeId"), topics == null || topics.isEmpty() ? List.of()
                : Arrays.asList(topics.split(",")), Items.number(item, "pages", 0), Items.number(item, "membersResolved", 0),
                Items.number(item, "units", 0), Items.number(item, "deliveriesCreated", 0), Items.number(item, "sent", 0),
                Items.bool(item, "complete", false), Items.instant(item, "startedAt"), Items.instant(item, "updatedAt")));
    }

    private static Map<String, AttributeValue> progressKey(String eventId) {
        return Map.of(PK, Items.s(eventId), SK, Items.s(SORT_KEY));
    }

    private long expiry(Instant now) {
        return now.plus(retention).getEpochSecond();
    }
}
