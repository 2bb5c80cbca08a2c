package dev.herald.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.json.Json;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Digest buckets: the events of one type for one recipient and one digest key, collected until the window ends or the
 * bucket is full. Three kinds of item in the deliveries table:
 * <ul>
 *   <li>the digest's pointer ({@code pk} = the digest, {@code sk} = {@code #open}): the current bucket's sequence
 *       number, whether it is open, its count and due time, and the recipient;</li>
 *   <li>an entry per event ({@code pk} = the digest, {@code sk} = {@code #entry#<seq>#<event id>}) with the event's
 *       template data;</li>
 *   <li>a membership per event and recipient ({@code pk} = the event id, {@code sk} = {@code #digest#<type>#<recipient>}),
 *       which names the bucket the event went into.</li>
 * </ul>
 * An event joins in one transaction that writes its membership (only if it has none), its entry, and the pointer's
 * count (only if the bucket it read is still the open one, with the count it read, below the max); so exactly one event
 * fills a bucket, and it has the bucket sent at once. So an event is in exactly one bucket however
 * often it arrives, and nothing joins a bucket once it is closed: the flush closes the pointer first, then reads the
 * entries, which are all there is.
 */
public final class DigestBuckets {

    private static final String PK = HeraldTables.DELIVERIES.partitionKey();
    private static final String SK = HeraldTables.DELIVERIES.sortKey().orElseThrow();
    private static final String POINTER = "#open";
    private static final String ENTRY = "#entry#";
    private static final int ATTEMPTS = 20;

    /** Where an event went. */
    public enum Joined {
        /** Into the open bucket. */
        ADDED,
        /** Into a new bucket, whose flush must be scheduled for {@link Join#dueAt}. */
        OPENED,
        /** Into the open bucket, which it filled: flush it now. */
        FILLED,
        /** Nowhere new: the event is in a bucket already (a repeated event), one closed or full by now. */
        ALREADY,
        /**
         * Nowhere new: the event is in the bucket still open, which it may have opened itself in an attempt that stopped
         * before scheduling its flush: schedule it (again) for {@link Join#dueAt}.
         */
        ALREADY_WAITING
    }

    /** The outcome of {@link #join}: the bucket (digest and sequence number) and when it is due. */
    public record Join(Joined joined, String digest, long seq, Instant dueAt) {
        public WakeUp wakeUp() {
            return new WakeUp(WakeUp.Kind.DIGEST, digest, Long.toString(seq), dueAt);
        }
    }

    /** A closed bucket's content: its recipient and its events' data, oldest first. */
    public record Bucket(String digest, long seq, String typeId, String key, ResolvedRecipient recipient, List<Entry> entries) {
        /** The digest's notification id: the same for the same bucket, so that flushing it twice notifies once. */
        public String notificationId() {
            return notificationIdOf(digest, seq);
        }
    }

    /** Which digest notification an event goes out in, for one recipient, and when that is due. */
    public record Membership(String typeId, String recipientId, String digestNotificationId, Instant dueAt) {
    }

    /** One event in a bucket. */
    public record Entry(String eventId, Instant eventTime, JsonNode data) {
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Duration retention;

    public DigestBuckets(DynamoDbClient dynamo, String table, Clock clock, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.retention = retention;
    }

    /** The digest of a type for one recipient and key. */
    public static String digestOf(String typeId, String recipientId, String key) {
        return "#digest#" + typeId + "#" + Waits.hash(recipientId + "\n" + key);
    }

    /**
     * Adds an event to the recipient's open bucket of the type and key, opening one (due after {@code window}) when none
     * is open, or when the open one is full ({@code max}).
     */
    public Join join(String typeId, String key, ResolvedRecipient recipient, String eventId, Instant eventTime, JsonNode data,
                     Duration window, int max) {
        String digest = digestOf(typeId, recipient.id(), key);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Map<String, AttributeValue> pointer = dynamo.getItem(r -> r.tableName(table).key(key(digest, POINTER)).consistentRead(true)).item();
            boolean exists = pointer != null && !pointer.isEmpty();
            long seq = exists ? Items.number(pointer, "seq", 0) : 0;
            boolean open = exists && "open".equals(Items.string(pointer, "state")) && Items.number(pointer, "count", 0) < max;
            Instant now = clock.instant();
            Instant due = open ? Items.instant(pointer, "dueAt") : now.plus(window);
            // a digest whose pointer TTL removed starts again from the clock, so that no bucket number is ever used twice
            long target = open ? seq : exists ? seq + 1 : now.getEpochSecond();
            List<TransactWriteItem> writes = new ArrayList<>();
            long count = exists ? Items.number(pointer, "count", 0) : 0;
            writes.add(open ? addTo(digest, seq, count) : openNext(digest, exists, seq, target, max, typeId, key, recipient, due));
            writes.add(membership(eventId, typeId, recipient.id(), digest, target, due));
            writes.add(entry(digest, target, eventId, eventTime, data, due));
            try {
                dynamo.transactWriteItems(r -> r.transactItems(writes));
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (reasons.size() > 1 && "ConditionalCheckFailed".equals(reasons.get(1).code())) {
                    return already(digest, eventId, typeId, recipient.id());
                }
                continue; // the bucket moved on meanwhile: read it again
            }
            if (!open) {
                return new Join(Joined.OPENED, digest, target, due);
            }
            // the count was the one read, so this event knows whether it filled the bucket: exactly one event does
            return new Join(count + 1 >= max ? Joined.FILLED : Joined.ADDED, digest, target, due);
        }
        throw new IllegalStateException("digest " + digest + " kept changing while event " + eventId + " joined it; the event is retried");
    }

    /** Where an event that joined before went: still waiting in the open bucket, or in one that is closed or full. */
    private Join already(String digest, String eventId, String typeId, String recipientId) {
        Map<String, AttributeValue> member = dynamo.getItem(r -> r.tableName(table).key(key(eventId, "#digest#" + typeId + "#" + recipientId))
                .consistentRead(true)).item();
        Map<String, AttributeValue> pointer = dynamo.getItem(r -> r.tableName(table).key(key(digest, POINTER)).consistentRead(true)).item();
        long seq = Items.number(member, "seq", 0);
        boolean waiting = pointer != null && !pointer.isEmpty() && Items.number(pointer, "seq", -1) == seq
                && "open".equals(Items.string(pointer, "state"));
        return new Join(waiting ? Joined.ALREADY_WAITING : Joined.ALREADY, digest, seq, Items.instant(member, "dueAt"));
    }

    /**
     * Closes bucket {@code seq} of {@code digest} (if it is still the open one) and returns its content; empty when the
     * bucket holds nothing (a wake-up for a digest that never existed).
     */
    public Optional<Bucket> close(String digest, long seq) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(digest, POINTER))
                    .updateExpression("SET #state = :closed")
                    .conditionExpression("#seq = :seq AND #state = :open")
                    .expressionAttributeNames(Map.of("#state", "state", "#seq", "seq"))
                    .expressionAttributeValues(Map.of(":closed", Items.s("closed"), ":open", Items.s("open"), ":seq", Items.n(seq))));
        } catch (ConditionalCheckFailedException closedOrMovedOn) {
            // closed by an earlier flush, or full and replaced by the next bucket: either way nothing joins it any more
        }
        Map<String, AttributeValue> pointer = dynamo.getItem(r -> r.tableName(table).key(key(digest, POINTER)).consistentRead(true)).item();
        List<Entry> entries = entries(digest, seq);
        if (pointer == null || pointer.isEmpty() || entries.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Bucket(digest, seq, Items.string(pointer, "type"), Items.string(pointer, "key"),
                Json.read(Items.string(pointer, "recipient"), ResolvedRecipient.class), entries));
    }

    /** The id of the notification bucket {@code seq} of {@code digest} goes out as. */
    static String notificationIdOf(String digest, long seq) {
        return "digest-" + Waits.hash(digest + "#" + seq);
    }

    /** The digests an event went into, one per recipient: its recorded state, in place of deliveries of its own. */
    public List<Membership> memberships(String eventId) {
        List<Membership> memberships = new ArrayList<>();
        QueryResponse page = dynamo.query(r -> r.tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                .expressionAttributeValues(Map.of(":pk", Items.s(eventId), ":prefix", Items.s("#digest#"))));
        for (Map<String, AttributeValue> item : page.items()) {
            String[] typeAndRecipient = Items.string(item, SK).substring("#digest#".length()).split("#", 2);
            memberships.add(new Membership(typeAndRecipient[0], typeAndRecipient[1],
                    notificationIdOf(Items.string(item, "digest"), Items.number(item, "seq", 0)), Items.instant(item, "dueAt")));
        }
        return memberships;
    }

    private List<Entry> entries(String digest, long seq) {
        List<Entry> entries = new ArrayList<>();
        dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                .expressionAttributeValues(Map.of(":pk", Items.s(digest), ":prefix", Items.s(entryPrefix(seq))))).items()
                .forEach(i -> entries.add(new Entry(Items.string(i, "eventId"), Items.instant(i, "eventTime"), Json.parse(Items.string(i, "data")))));
        entries.sort((a, b) -> a.eventTime() == null || b.eventTime() == null ? 0 : a.eventTime().compareTo(b.eventTime()));
        return entries;
    }

    /** One more event in the open bucket, only if nothing changed it since it was read (its count below the max). */
    private TransactWriteItem addTo(String digest, long seq, long count) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key(digest, POINTER))
                .updateExpression("SET #count = :next")
                .conditionExpression("#seq = :seq AND #state = :open AND #count = :count")
                .expressionAttributeNames(Map.of("#count", "count", "#seq", "seq", "#state", "state"))
                .expressionAttributeValues(Map.of(":next", Items.n(count + 1), ":seq", Items.n(seq), ":open", Items.s("open"),
                        ":count", Items.n(count))))
                .build();
    }

    private TransactWriteItem openNext(String digest, boolean exists, long seq, long next, int max, String typeId, String key,
                                       ResolvedRecipient recipient, Instant due) {
        Map<String, AttributeValue> item = Items.item().s(PK, digest).s(SK, POINTER).n("seq", next).s("state", "open").n("count", 1)
                .s("dueAt", due).s("type", typeId).s("key", key).s("recipient", Json.write(recipient))
                .n(HeraldTables.TTL, due.plus(retention).getEpochSecond()).build();
        Map<String, String> names = new HashMap<>(Map.of("#pk", PK));
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = "attribute_not_exists(#pk)";
        if (exists) {
            // only over the bucket that was read, and only if it is closed or full
            condition = "#seq = :seq AND (#state = :closed OR #count >= :max)";
            names = Map.of("#seq", "seq", "#state", "state", "#count", "count");
            values = Map.of(":seq", Items.n(seq), ":closed", Items.s("closed"), ":max", Items.n(max));
        }
        String expression = condition;
        Map<String, String> expressionNames = names;
        Map<String, AttributeValue> expressionValues = values;
        return TransactWriteItem.builder().put(p -> {
            p.tableName(table).item(item).conditionExpression(expression).expressionAttributeNames(expressionNames);
            if (!expressionValues.isEmpty()) {
                p.expressionAttributeValues(expressionValues);
            }
        }).build();
    }

    private TransactWriteItem membership(String eventId, String typeId, String recipientId, String digest, long seq, Instant due) {
        return TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Items.item().s(PK, eventId).s(SK, "#digest#" + typeId + "#" + recipientId).s("digest", digest).n("seq", seq)
                        .s("dueAt", due).n(HeraldTables.TTL, due.plus(retention).getEpochSecond()).build())
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK))).build();
    }

    private TransactWriteItem entry(String digest, long seq, String eventId, Instant eventTime, JsonNode data, Instant due) {
        return TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Items.item().s(PK, digest).s(SK, entryPrefix(seq) + eventId).s("eventId", eventId).s("eventTime", eventTime)
                        .s("data", Json.write(data)).n(HeraldTables.TTL, due.plus(retention).getEpochSecond()).build())).build();
    }

    private static String entryPrefix(long seq) {
        return ENTRY + String.format("%012d", seq) + "#";
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, Items.s(pk), SK, Items.s(sk));
    }
}
