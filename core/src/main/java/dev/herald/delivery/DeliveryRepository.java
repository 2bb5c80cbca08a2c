package dev.herald.delivery;

import dev.herald.catalog.Channel;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import dev.herald.store.TableDefinition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Delivery records. Every state change is a conditional write, which is what makes delivery exactly-once: a record
 * is created once per key, and only the caller whose claim moved it from PENDING to SENDING may send it.
 * Thread-safe.
 */
public final class DeliveryRepository {

    private static final String PK = HeraldTables.DELIVERIES.partitionKey();
    private static final String SK = HeraldTables.DELIVERIES.sortKey().orElseThrow();
    /** When the delivery's unsubscribe link was used (last), and for which category: see {@link #unsubscribeMark}. */
    public static final String UNSUBSCRIBED_AT = "unsubscribedAt";
    public static final String UNSUBSCRIBED_CATEGORY = "unsubscribedCategory";
    /** The prefix of the index sort key of a new in-app item: the part of its user's inbox that holds unread items. */
    public static final String UNREAD_PART = "u";
    /** When a SCHEDULED delivery is due. */
    public static final String DUE_AT = "dueAt";
    private static final TableDefinition.Index BY_RECIPIENT = HeraldTables.DELIVERIES.index("byRecipient");
    /** Room in a page for the fan-out items that sort before the deliveries and are skipped. */
    private static final int FAN_OUT_ITEMS_PER_PAGE = 10;

    /** Conditional puts in flight at once in {@link #createAll}. */
    static final int CREATE_PARALLELISM = 16;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Duration retention;
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();

    public DeliveryRepository(DynamoDbClient dynamo, String table, Clock clock, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.retention = retention;
    }

    /** Creates each delivery unless one with its key exists; returns the ones it created, so duplicates send nothing. */
    public List<Delivery> createAll(List<Delivery> deliveries) {
        // each create must be conditional, which BatchWriteItem cannot carry (and TransactWriteItems would cost twice
        // the write units), so the puts go out in parallel instead: a 1,000-recipient topic takes seconds, not minutes
        List<Future<Boolean>> results = new ArrayList<>(deliveries.size());
        Semaphore permits = new Semaphore(CREATE_PARALLELISM);
        for (Delivery delivery : deliveries) {
            results.add(writers.submit(() -> {
                permits.acquireUninterruptibly();
                try {
                    return create(delivery);
                } finally {
                    permits.release();
                }
            }));
        }
        List<Delivery> created = new ArrayList<>(deliveries.size());
        RuntimeException failure = null;
        for (int i = 0; i < results.size(); i++) {
            try {
                if (results.get(i).get()) {
                    created.add(deliveries.get(i));
                }
            } catch (ExecutionException e) {
                // the others still finish: a retry of the whole event then finds them created
                failure = failure != null ? failure
                        : e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating deliveries", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return created;
    }

    /** Creates one delivery unless its key exists; true if it was created. */
    public boolean create(Delivery delivery) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(toItem(delivery))
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /**
     * Moves a PENDING delivery to SENDING and counts the attempt. Returns the claimed delivery, or empty when it is
     * not PENDING (already sent, being sent, or final), in which case the caller must not send it.
     */
    public Optional<Delivery> claim(DeliveryKey key) {
        try {
            UpdateItemResponse response = dynamo.updateItem(r -> r.tableName(table).key(key(key))
                    .updateExpression("SET #status = :sending, #attempts = if_not_exists(#attempts, :zero) + :one, #updatedAt = :now REMOVE #reason")
                    .conditionExpression("#status = :pending")
                    .expressionAttributeNames(Map.of("#status", "status", "#attempts", "attempts", "#updatedAt", "updatedAt", "#reason", "reason"))
                    .expressionAttributeValues(Map.of(":sending", Items.s(DeliveryStatus.SENDING.name()),
                            ":pending", Items.s(DeliveryStatus.PENDING.name()), ":zero", Items.n(0), ":one", Items.n(1),
                            ":now", Items.s(clock.instant().toString())))
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(fromItem(response.attributes()));
        } catch (ConditionalCheckFailedException notPending) {
            return Optional.empty();
        }
    }

    /** Records the outcome of a claimed delivery: SENT, FAILED or SKIPPED, with a reason where there is one. */
    public void finish(DeliveryKey key, DeliveryStatus status, String reason) {
        finish(key, status, reason, null);
    }

    /** As {@link #finish(DeliveryKey, DeliveryStatus, String)}, also storing what was sent (an in-app item's payload). */
    public void finish(DeliveryKey key, DeliveryStatus status, String reason, String payload) {
        if (status != DeliveryStatus.SENT && status != DeliveryStatus.FAILED && status != DeliveryStatus.SKIPPED) {
            throw new IllegalArgumentException("a send finishes as SENT, FAILED or SKIPPED, not " + status);
        }
        transition(key, DeliveryStatus.SENDING, status, reason, payload);
    }

    /**
     * Returns a claimed delivery to PENDING with a reason: after a transient error (so a retry can claim it again)
     * or for an in-app item that waits in the inbox until the user's next sync.
     */
    public void release(DeliveryKey key, String reason) {
        release(key, reason, null);
    }

    /** As {@link #release(DeliveryKey, String)}, also storing the in-app item's payload for the next sync. */
    public void release(DeliveryKey key, String reason, String payload) {
        transition(key, DeliveryStatus.SENDING, DeliveryStatus.PENDING, reason, payload);
    }

    private void transition(DeliveryKey key, DeliveryStatus from, DeliveryStatus to, String reason, String payload) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":to", Items.s(to.name()), ":from", Items.s(from.name()),
                ":now", Items.s(clock.instant().toString())));
        List<String> set = new ArrayList<>(List.of("#status = :to", "#updatedAt = :now"));
        List<String> remove = new ArrayList<>();
        Map<String, String> names = new HashMap<>(Map.of("#status", "status", "#updatedAt", "updatedAt", "#reason", "reason"));
        if (reason != null) {
            values.put(":reason", Items.s(reason));
            set.add("#reason = :reason");
        } else {
            remove.add("#reason");
        }
        if (payload != null) {
            values.put(":payload", Items.s(payload));
            names.put("#payload", "payload");
            set.add("#payload = :payload");
        }
        if (to == DeliveryStatus.FAILED || to == DeliveryStatus.SKIPPED) {
            // an in-app item that will never be shown leaves its user's inbox index, so no page of the inbox reads it
            names.put("#inboxKey", BY_RECIPIENT.sortKey());
            remove.add("#inboxKey");
        }
        String expression = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(key))
                    .updateExpression(expression)
                    .conditionExpression("#status = :from")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("delivery " + key.notificationId() + "/" + key.sortKey() + " is not " + from
                    + "; it cannot move to " + to, e);
        }
    }

    /**
     * Records what the provider reported after an email went out, as SES reports it: a permanent bounce makes it
     * FAILED ({@code bounced}); a complaint keeps its state and records {@code complained}. Returns false, changing
     * nothing, unless the delivery went out and is not FAILED already, so a repeated report is harmless.
     */
    public boolean recordFeedback(DeliveryKey key, boolean bounced, String reason) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":reason", Items.s(reason), ":now", Items.s(clock.instant().toString())));
        String sentLike = inList(EMAIL_ENGAGEMENT, values);
        String update = "SET #reason = :reason, #updatedAt = :now";
        if (bounced) {
            values.put(":failed", Items.s(DeliveryStatus.FAILED.name()));
            update += ", #status = :failed";
        }
        return conditionalUpdate(key, update, "#status IN (" + sentLike + ")", values);
    }

    /**
     * Moves an email that went out up its engagement ({@link DeliveryStatus#engagement()}): to DELIVERED, OPENED or
     * CLICKED as SES reports them. Returns false, changing nothing, when the delivery is already there or further,
     * or did not go out (e.g. it bounced), so reports that arrive twice or out of order are harmless.
     */
    public boolean recordEngagement(DeliveryKey key, DeliveryStatus to) {
        if (to.engagement() <= 0) {
            throw new IllegalArgumentException("engagement moves an email to DELIVERED, OPENED or CLICKED, not " + to);
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":to", Items.s(to.name()), ":now", Items.s(clock.instant().toString())));
        String below = inList(EMAIL_ENGAGEMENT.stream().filter(s -> s.engagement() < to.engagement()).toList(), values);
        return conditionalUpdate(key, "SET #status = :to, #updatedAt = :now", "#status IN (" + below + ")", values);
    }

    /** The states an email moves through after it went out, lowest first. */
    private static final List<DeliveryStatus> EMAIL_ENGAGEMENT = List.of(DeliveryStatus.SENT, DeliveryStatus.DELIVERED,
            DeliveryStatus.OPENED, DeliveryStatus.CLICKED);

    /** Puts each status in {@code values} as {@code :s<i>} and returns the placeholders, for an {@code IN (…)} condition. */
    private static String inList(List<DeliveryStatus> statuses, Map<String, AttributeValue> values) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < statuses.size(); i++) {
            values.put(":s" + i, Items.s(statuses.get(i).name()));
            names.add(":s" + i);
        }
        return String.join(", ", names);
    }

    private boolean conditionalUpdate(DeliveryKey key, String update, String condition, Map<String, AttributeValue> values) {
        Map<String, String> names = new HashMap<>(Map.of("#status", "status", "#updatedAt", "updatedAt"));
        if (update.contains("#reason")) {
            names.put("#reason", "reason");
        }
        if (update.contains("#dueAt")) {
            names.put("#dueAt", DUE_AT);
        }
        if (update.contains("#inboxKey")) {
            names.put("#inboxKey", BY_RECIPIENT.sortKey());
        }
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(key)).updateExpression(update).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException notThere) {
            return false;
        }
    }

    /**
     * Moves a SCHEDULED delivery that is due to PENDING, for a channel to claim. False, changing nothing, when it no
     * longer waits: withdrawn, or released by an earlier run.
     */
    public boolean releaseScheduled(DeliveryKey key) {
        return update(key, "SET #status = :to, #updatedAt = :now REMOVE #reason, #dueAt", DeliveryStatus.SCHEDULED, DeliveryStatus.PENDING, Map.of());
    }

    /** Withdraws a SCHEDULED delivery: SKIPPED with the reason. False, changing nothing, when it no longer waits. */
    public boolean withdraw(DeliveryKey key, String reason) {
        return update(key, "SET #status = :to, #updatedAt = :now, #reason = :reason REMOVE #dueAt, #inboxKey",
                DeliveryStatus.SCHEDULED, DeliveryStatus.SKIPPED,
                Map.of(":reason", Items.s(reason)));
    }

    /** Moves a SCHEDULED delivery's due time, e.g. when the recipient's quiet hours changed. False when it no longer waits. */
    public boolean reschedule(DeliveryKey key, Instant dueAt) {
        return update(key, "SET #status = :to, #updatedAt = :now, #dueAt = :due", DeliveryStatus.SCHEDULED, DeliveryStatus.SCHEDULED,
                Map.of(":due", Items.s(dueAt.toString())));
    }

    private boolean update(DeliveryKey key, String expression, DeliveryStatus from, DeliveryStatus to, Map<String, AttributeValue> extra) {
        Map<String, AttributeValue> values = new HashMap<>(extra);
        values.putAll(Map.of(":to", Items.s(to.name()), ":from", Items.s(from.name()), ":now", Items.s(clock.instant().toString())));
        return conditionalUpdate(key, expression, "#status = :from", values);
    }

    /** Skips a delivery that was created PENDING but must not be sent after all (e.g. over its rate limit). */
    public void skip(DeliveryKey key, String reason) {
        transition(key, DeliveryStatus.PENDING, DeliveryStatus.SKIPPED, reason, null);
    }

    /** Marks a waiting in-app item SENT once a sync has handed it to the user. No-op if it moved on meanwhile. */
    public void markSynced(DeliveryKey key) {
        try {
            transition(key, DeliveryStatus.PENDING, DeliveryStatus.SENT, null, null);
        } catch (IllegalStateException movedOn) {
            // already read, or sent by a concurrent delivery: either way the user has it
        }
    }

    /**
     * The write that marks a delivery as the one whose unsubscribe link was used ({@code unsubscribedAt},
     * {@code unsubscribedCategory}), to go in one transaction with the unsubscribe itself. The deliveries table's
     * stream turns the mark into a {@code Recipient Unsubscribed} event, retried until EventBridge takes it. The
     * delivery must still exist.
     */
    public TransactWriteItem unsubscribeMark(DeliveryKey key, String category) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key(key))
                .updateExpression("SET #at = :now, #category = :category")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#at", UNSUBSCRIBED_AT, "#category", UNSUBSCRIBED_CATEGORY, "#pk", PK))
                .expressionAttributeValues(Map.of(":now", Items.s(clock.instant().toString()), ":category", Items.s(category))))
                .build();
    }

    public Optional<Delivery> find(DeliveryKey key) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(key)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** Every delivery of one notification (event id), across types, channels and recipients. */
    public List<Delivery> forNotification(String notificationId) {
        return forNotification(notificationId, Integer.MAX_VALUE);
    }

    /** The first {@code limit} deliveries of one notification: a topic's may number millions. */
    public List<Delivery> forNotification(String notificationId, int limit) {
        List<Delivery> deliveries = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = dynamo.query(r -> r.tableName(table).consistentRead(true)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .expressionAttributeValues(Map.of(":pk", Items.s(notificationId)))
                    .exclusiveStartKey(exclusiveStart)
                    .limit((int) Math.min(1000L, (long) limit - deliveries.size() + FAN_OUT_ITEMS_PER_PAGE)));
            // a topic notification's fan-out progress lives beside its deliveries, under sort keys starting with #
            page.items().stream().filter(i -> !Items.string(i, SK).startsWith("#")).limit(limit - deliveries.size())
                    .forEach(i -> deliveries.add(fromItem(i)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && deliveries.size() < limit);
        return deliveries;
    }

    /**
     * An in-app item's position in its user's inbox: creation time first, so a user's items come out in order. The
     * index sort key is the position behind the prefix of the inbox part the item is in: {@link #UNREAD_PART} for a
     * new item, as {@code dev.herald.inbox.InboxPart} describes.
     */
    public static String inboxKey(Delivery delivery) {
        return delivery.createdAt() + "#" + delivery.typeId() + "#" + delivery.channel().id() + "#" + delivery.notificationId();
    }

    private Map<String, AttributeValue> key(DeliveryKey key) {
        return itemKey(key);
    }

    /** The table key of a delivery's item. */
    public static Map<String, AttributeValue> itemKey(DeliveryKey key) {
        return Map.of(PK, Items.s(key.notificationId()), SK, Items.s(key.sortKey()));
    }

    private Map<String, AttributeValue> toItem(Delivery d) {
        // a delivery that waits is kept for the retention after it is due, however long it waits
        Instant expires = (d.dueAt() != null && d.dueAt().isAfter(d.createdAt()) ? d.dueAt() : d.createdAt()).plus(retention);
        var item = Items.item()
                .s(PK, d.notificationId())
                .s(SK, d.key().sortKey())
                .s(BY_RECIPIENT.partitionKey(), d.recipientId())
                // a sparse index: only in-app items have an inbox key, so only they are written to byRecipient; every
                // item starts among the unread ones, and moves when the user reads or archives it (InboxStore)
                .s(BY_RECIPIENT.sortKey(), inInbox(d) ? UNREAD_PART + "#" + inboxKey(d) : null)
                .s("status", d.status().name())
                .s("reason", d.reason())
                .n("attempts", d.attempts())
                .s("createdAt", d.createdAt())
                .s("updatedAt", d.updatedAt())
                .s("payload", d.payload())
                .s(DUE_AT, d.dueAt())
                .n(HeraldTables.TTL, expires.getEpochSecond());
        return item.build();
    }

    /** In-app deliveries are indexed for their user's inbox, except those recorded as never to be shown. */
    private static boolean inInbox(Delivery d) {
        return d.channel() == Channel.WEBSOCKET && d.status() != DeliveryStatus.SKIPPED && d.status() != DeliveryStatus.FAILED;
    }

    /** Reads a delivery item. */
    public static Delivery fromItem(Map<String, AttributeValue> item) {
        DeliveryKey key = DeliveryKey.fromSortKey(Items.string(item, PK), Items.string(item, SK));
        return new Delivery(key, DeliveryStatus.valueOf(Items.string(item, "status")), Items.string(item, "reason"),
                (int) Items.number(item, "attempts", 0), Items.instant(item, "createdAt"), Items.instant(item, "updatedAt"),
                Items.string(item, "payload"), Items.instant(item, DUE_AT));
    }
}
