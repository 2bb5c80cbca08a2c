package dev.herald.inbox;

import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import dev.herald.store.TableDefinition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Users' in-app inboxes: the state of each item, and each user's unread and unseen counts.
 *
 * <p>The items are the WebSocket deliveries. An item enters the inbox when the channel stores its payload
 * ({@link #enter}); from then on it carries its {@link InboxState} ({@code inbox}) and the times it was seen, read and
 * archived. The counts live in one small item per user ({@code #inbox#<user>} / {@code #counts}) and change in the
 * same transaction as the item that changes them, with a condition on the item's state before: so concurrent actions
 * from several tabs, and repeated ones, can never count twice, and no action reads more than the items it names.
 * Thread-safe.
 */
public final class InboxStore {

    /** Items changed in one transaction: DynamoDB takes 100 writes, one of which is the counts. */
    static final int ITEMS_PER_TRANSACTION = 99;
    /** How many unread items one {@link #readAll} marks; the caller repeats while {@code more}. */
    public static final int READ_ALL_LIMIT = 500;
    private static final int ATTEMPTS = 4;
    private static final String PK = InboxReads.PK;
    private static final String SK = InboxReads.SK;
    private static final TableDefinition.Index BY_RECIPIENT = InboxReads.BY_RECIPIENT;
    /** The attribute of an in-app item that holds its state, once it is in the inbox. */
    public static final String STATE = "inbox";
    private static final String SEEN_AT = InboxReads.SEEN_AT;
    private static final String READ_AT = InboxReads.READ_AT;
    private static final String ARCHIVED_AT = InboxReads.ARCHIVED_AT;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final DeliveryRepository deliveries;
    private final InboxReads reads;

    public InboxStore(DynamoDbClient dynamo, String table, Clock clock, DeliveryRepository deliveries) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.deliveries = deliveries;
        this.reads = new InboxReads(dynamo, table);
    }

    /** A user's badge numbers: items neither read nor archived, and those of them never seen. */
    public record Counts(long unread, long unseen) {
    }

    /** An in-app delivery with its inbox state; {@code state} is empty while the item is not in the inbox yet. */
    public record Entry(Delivery delivery, Optional<InboxState> state, Instant seenAt, Instant readAt, Instant archivedAt) {

        public String position() {
            return DeliveryRepository.inboxKey(delivery);
        }
    }

    /** A page of entries and where the next page starts (null at the end). */
    public record Page(List<Entry> entries, String cursor, boolean more) {

        public Page {
            entries = List.copyOf(entries);
        }
    }

    /**
     * What an action did: the state of each item it names that is the user's ({@code applied}: changed now or already
     * so), in the order named; the keys that are not ({@code unknown}); and the counts after it.
     */
    public record Outcome(Map<DeliveryKey, InboxState> applied, List<DeliveryKey> unknown, Counts counts) {

        public Outcome {
            applied = Collections.unmodifiableMap(new LinkedHashMap<>(applied));
            unknown = List.copyOf(unknown);
        }
    }

    /** Result of {@link #readAll}: how many items it marked, and whether unread items remain beyond its limit. */
    public record ReadAll(int updated, boolean more, Counts counts) {
    }

    public Counts counts(String userId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(countsKey(userId)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return new Counts(0, 0);
        }
        return new Counts(Math.max(0, Items.number(item, "unread", 0)), Math.max(0, Items.number(item, "unseen", 0)));
    }

    /**
     * Finishes a claimed in-app delivery with its item stored, as {@link DeliveryRepository#finish} (SENT) or
     * {@link DeliveryRepository#release} (PENDING with a reason) would, and puts the item in the user's inbox, UNSEEN,
     * counting it, in one transaction. An item already in the inbox (a delivery claimed again) is not counted again.
     *
     * @throws IllegalStateException when the delivery is not SENDING (not claimed by the caller)
     */
    public void enter(DeliveryKey key, DeliveryStatus status, String reason, String payload) {
        if (status != DeliveryStatus.SENT && status != DeliveryStatus.PENDING) {
            throw new IllegalArgumentException("an item enters the inbox SENT, or PENDING until it is handed over, not " + status);
        }
        Map<String, String> names = new HashMap<>(Map.of("#status", "status", "#updatedAt", "updatedAt", "#payload", "payload",
                "#reason", "reason", "#inbox", STATE));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":to", Items.s(status.name()), ":now", now(),
                ":payload", Items.s(payload), ":unseen", Items.s(InboxState.UNSEEN.id()), ":sending", Items.s(DeliveryStatus.SENDING.name())));
        String update = "SET #status = :to, #updatedAt = :now, #payload = :payload, #inbox = :unseen";
        if (reason != null) {
            values.put(":reason", Items.s(reason));
            update += ", #reason = :reason";
        } else {
            update += " REMOVE #reason";
        }
        String expression = update;
        TransactWriteItem item = TransactWriteItem.builder().update(u -> u.tableName(table).key(DeliveryRepository.itemKey(key))
                .updateExpression(expression).conditionExpression("#status = :sending AND attribute_not_exists(#inbox)")
                .expressionAttributeNames(names).expressionAttributeValues(values)).build();
        Optional<Integer> failed = transact(List.of(item, countsChange(key.recipientId(), 1, 1)));
        if (failed.isPresent()) {
            // in the inbox already (claimed again after waiting there), or not ours to finish: the plain transition
            // tells which, and throws for the latter
            if (status == DeliveryStatus.SENT) {
                deliveries.finish(key, status, reason, payload);
            } else {
                deliveries.release(key, reason, payload);
            }
        }
    }

    /**
     * Takes out of the counts an item that left the table while in {@code state}: its retention ran out (TTL) before
     * the user read or archived it. Once per removed item, however often the stream hands the removal over: a marker
     * of it is written in the same transaction, and kept two days. Counts never go below zero.
     */
    public void forget(String userId, InboxState state, DeliveryKey removed) {
        long unread = state.unread() ? 1 : 0;
        long unseen = state == InboxState.UNSEEN ? 1 : 0;
        if (unread == 0) {
            return;
        }
        Map<String, AttributeValue> removedKey = DeliveryRepository.itemKey(removed);
        TransactWriteItem marker = TransactWriteItem.builder().put(p -> p.tableName(table)
                .item(Items.item().s(PK, "#forgotten#" + removedKey.get(PK).s()).s(SK, removedKey.get(SK).s())
                        .n(HeraldTables.TTL, clock.instant().plus(Duration.ofDays(2)).getEpochSecond()).build())
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK))).build();
        TransactWriteItem counts = TransactWriteItem.builder().update(u -> u.tableName(table).key(countsKey(userId))
                .updateExpression("ADD #unread :unread, #unseen :unseen")
                .conditionExpression("#unread >= :one AND #unseen >= :unseenOne")
                .expressionAttributeNames(Map.of("#unread", "unread", "#unseen", "unseen"))
                .expressionAttributeValues(Map.of(":unread", Items.n(-unread), ":unseen", Items.n(-unseen), ":one", Items.n(1),
                        ":unseenOne", Items.n(unseen)))).build();
        // a marker already there: taken out before; counts already down: nothing left to take. Either way, done.
        transact(List.of(marker, counts));
    }

    /**
     * Applies {@code action} to the user's items {@code keys}. Keys of other users' items, or of items not in the
     * inbox, are returned as unknown and touched not at all. Idempotent: items already so are counted as applied.
     */
    public Outcome apply(String userId, InboxAction action, List<DeliveryKey> keys) {
        Map<DeliveryKey, InboxState> applied = new HashMap<>();
        List<DeliveryKey> unknown = new ArrayList<>();
        List<DeliveryKey> pending = List.copyOf(keys);
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            Map<DeliveryKey, Entry> found = reads.load(pending);
            List<Entry> toChange = new ArrayList<>();
            List<DeliveryKey> again = new ArrayList<>();
            for (DeliveryKey key : pending) {
                Entry entry = found.get(key);
                if (entry == null || !entry.delivery().recipientId().equals(userId)) {
                    unknown.add(key);
                } else if (entry.state().isEmpty() || entry.delivery().status() == DeliveryStatus.SENDING) {
                    // pushed live a moment before the channel recorded it in the inbox (or being sent again): wait
                    // for the channel to finish, briefly
                    if (entry.delivery().status() == DeliveryStatus.SENDING && attempt < ATTEMPTS) {
                        again.add(key);
                    } else {
                        unknown.add(key);
                    }
                } else if (action.apply(entry.state().get(), entry.readAt() != null) == entry.state().get()) {
                    applied.put(key, entry.state().get());
                } else {
                    toChange.add(entry);
                }
            }
            List<DeliveryKey> conflicted = change(userId, action, toChange, applied);
            if (!conflicted.isEmpty() && attempt >= ATTEMPTS) {
                throw new IllegalStateException("inbox items of " + userId + " kept changing under " + action.id() + "; try again");
            }
            again.addAll(conflicted);
            if (!again.isEmpty()) {
                pause(attempt);
            }
            pending = again;
        }
        Map<DeliveryKey, InboxState> inOrder = new LinkedHashMap<>();
        keys.stream().filter(applied::containsKey).forEach(key -> inOrder.put(key, applied.get(key)));
        return new Outcome(inOrder, unknown, counts(userId));
    }

    /** Marks the user's unread items read, newest first, at most {@link #READ_ALL_LIMIT} of them. */
    public ReadAll readAll(String userId) {
        int updated = 0;
        String cursor = null;
        boolean more;
        do {
            Page page = reads.part(userId, InboxPart.UNREAD, cursor, 100, false);
            List<DeliveryKey> unread = page.entries().stream().filter(e -> e.state().map(InboxState::unread).orElse(false))
                    .map(e -> e.delivery().key()).toList();
            List<DeliveryKey> taken = unread.subList(0, Math.min(unread.size(), READ_ALL_LIMIT - updated));
            updated += apply(userId, InboxAction.READ, taken).applied().size();
            cursor = page.cursor();
            // unread items of this page left for the next call count as more, whatever the index holds beyond it
            more = page.more() || taken.size() < unread.size();
        } while (more && updated < READ_ALL_LIMIT);
        return new ReadAll(updated, more, counts(userId));
    }

    /**
     * A page of the user's items in one view, newest first: unread ({@link InboxPart#UNREAD}), all (unread and read),
     * or archived. Only items in the inbox, in the state the view asks for, read consistently: an item the index still
     * shows in its old part is left out. {@code cursor} is the position the previous page ended at.
     */
    public Page list(String userId, InboxView view, String cursor, int limit) {
        List<Entry> merged = new ArrayList<>();
        // where the next page must start for no part to skip anything: the newest of the positions the parts that have
        // more stopped at (each part reads newest first); anything older that this page read comes again next time
        String resume = null;
        for (InboxPart part : view.parts()) {
            Page page = visible(userId, part, cursor, limit, view);
            merged.addAll(page.entries());
            if (page.more() && (resume == null || page.cursor().compareTo(resume) > 0)) {
                resume = page.cursor();
            }
        }
        String stop = resume;
        merged.sort(Comparator.comparing(Entry::position).reversed());
        Map<DeliveryKey, Entry> distinct = new LinkedHashMap<>();
        merged.stream().filter(e -> stop == null || e.position().compareTo(stop) >= 0).forEach(e -> distinct.putIfAbsent(e.delivery().key(), e));
        List<Entry> entries = new ArrayList<>(distinct.values());
        if (entries.size() > limit) {
            entries = entries.subList(0, limit);
            return new Page(entries, entries.getLast().position(), true);
        }
        // the cursor moves on even over a stretch of the index with nothing to show (items never delivered in-app)
        return new Page(entries, resume, resume != null);
    }

    /**
     * The user's unread part in delivery order, oldest first, after {@code cursor}, including the deliveries not in the
     * inbox yet (still being delivered), which {@code sync} must not move its cursor past.
     */
    public Page unreadSince(String userId, String cursor, int limit) {
        return reads.part(userId, InboxPart.UNREAD, cursor, limit, true);
    }

    /** Up to {@code limit} entries of one part in the view's states, reading on while the part has more. */
    private Page visible(String userId, InboxPart part, String cursor, int limit, InboxView view) {
        List<Entry> entries = new ArrayList<>();
        String next = cursor;
        boolean more;
        int pages = 0;
        do {
            Page page = reads.part(userId, part, next, limit, false);
            page.entries().stream().filter(e -> e.state().map(view::shows).orElse(false)).forEach(entries::add);
            next = page.cursor();
            more = page.more();
        } while (more && entries.size() < limit && ++pages < 5);
        return new Page(entries, next, more);
    }

    /**
     * Writes the changes in transactions of {@link #ITEMS_PER_TRANSACTION} items and their counts; a transaction whose
     * item moved meanwhile writes nothing, and its keys are returned to be read and decided again.
     */
    private List<DeliveryKey> change(String userId, InboxAction action, List<Entry> entries, Map<DeliveryKey, InboxState> applied) {
        List<DeliveryKey> conflicted = new ArrayList<>();
        for (int from = 0; from < entries.size(); from += ITEMS_PER_TRANSACTION) {
            List<Entry> chunk = entries.subList(from, Math.min(entries.size(), from + ITEMS_PER_TRANSACTION));
            List<TransactWriteItem> writes = new ArrayList<>();
            long unread = 0;
            long unseen = 0;
            for (Entry entry : chunk) {
                InboxState before = entry.state().orElseThrow();
                InboxState after = action.apply(before, entry.readAt() != null);
                unread += count(after.unread()) - count(before.unread());
                unseen += count(after == InboxState.UNSEEN) - count(before == InboxState.UNSEEN);
                writes.add(TransactWriteItem.builder().update(stateChange(userId, entry, after)).build());
            }
            if (unread != 0 || unseen != 0) {
                writes.add(countsChange(userId, unread, unseen));
            }
            if (transact(writes).isPresent()) {
                chunk.forEach(e -> conflicted.add(e.delivery().key()));
            } else {
                chunk.forEach(e -> applied.put(e.delivery().key(), action.apply(e.state().orElseThrow(), e.readAt() != null)));
            }
        }
        return conflicted;
    }

    private static int count(boolean yes) {
        return yes ? 1 : 0;
    }

    private Update stateChange(String userId, Entry entry, InboxState after) {
        InboxState before = entry.state().orElseThrow();
        Map<String, String> names = new HashMap<>(Map.of("#inbox", STATE, "#status", "status", "#updatedAt", "updatedAt",
                "#key", BY_RECIPIENT.sortKey(), "#recipient", BY_RECIPIENT.partitionKey()));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":after", Items.s(after.id()), ":before", Items.s(before.id()),
                ":status", Items.s(after.status(entry.delivery().status()).name()), ":now", now(), ":user", Items.s(userId),
                ":key", Items.s(after.part().key(entry.position())), ":statusBefore", Items.s(entry.delivery().status().name())));
        List<String> set = new ArrayList<>(List.of("#inbox = :after", "#status = :status", "#updatedAt = :now", "#key = :key"));
        List<String> remove = new ArrayList<>();
        if (after != InboxState.UNSEEN && entry.seenAt() == null) {
            names.put("#seenAt", SEEN_AT);
            set.add("#seenAt = :now");
        }
        if (after == InboxState.READ && before != InboxState.ARCHIVED) {
            names.put("#readAt", READ_AT);
            set.add("#readAt = :now");
        } else if (before == InboxState.READ && after != InboxState.ARCHIVED) {
            names.put("#readAt", READ_AT);
            remove.add("#readAt");
        }
        if (after == InboxState.ARCHIVED) {
            names.put("#archivedAt", ARCHIVED_AT);
            set.add("#archivedAt = :now");
        } else if (before == InboxState.ARCHIVED) {
            names.put("#archivedAt", ARCHIVED_AT);
            remove.add("#archivedAt");
        }
        String expression = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        return Update.builder().tableName(table).key(DeliveryRepository.itemKey(entry.delivery().key()))
                .updateExpression(expression)
                .conditionExpression("#inbox = :before AND #recipient = :user AND #status = :statusBefore")
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    private TransactWriteItem countsChange(String userId, long unread, long unseen) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(countsKey(userId))
                .updateExpression("ADD #unread :unread, #unseen :unseen")
                .expressionAttributeNames(Map.of("#unread", "unread", "#unseen", "unseen"))
                .expressionAttributeValues(Map.of(":unread", Items.n(unread), ":unseen", Items.n(unseen)))).build();
    }

    /**
     * Runs one transaction, again after a conflict with a concurrent one (DynamoDB cancels both sides' transactions
     * on the same item). Empty when it was written; the index of the write whose condition failed otherwise.
     */
    private Optional<Integer> transact(List<TransactWriteItem> writes) {
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(writes));
                return Optional.empty();
            } catch (TransactionCanceledException e) {
                List<String> codes = e.hasCancellationReasons() ? e.cancellationReasons().stream().map(r -> r.code()).toList() : List.of();
                int failed = codes.indexOf("ConditionalCheckFailed");
                if (failed >= 0) {
                    return Optional.of(failed);
                }
                if (!codes.contains("TransactionConflict") || attempt >= ATTEMPTS) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(10L * attempt * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying an inbox change", e);
        }
    }

    private static Map<String, AttributeValue> countsKey(String userId) {
        return Map.of(PK, Items.s("#inbox#" + userId), SK, Items.s("#counts"));
    }

    private AttributeValue now() {
        return Items.s(clock.instant().toString());
    }
}
