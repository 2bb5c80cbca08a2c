package dev.herald.schedule;

import dev.herald.delivery.DeliveryReason;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.json.Json;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Stored {@link Wait}s (at most {@link #MAX_DISPATCH_BYTES} of dispatches each, within DynamoDB's 400 KB item), beside their notification's deliveries ({@code pk} = notification id, {@code sk} =
 * {@code #wait#...}, which the deliveries' own reads skip). A wait is written once (conditionally), read when its
 * wake-up arrives, and deleted once its deliveries are released; TTL removes any left over after the retention.
 *
 * <p>A quiet-hours wait holds one recipient, and is also listed under that recipient ({@code pk} =
 * {@code #deferred#<recipient>}), so that a change to their quiet hours or time zone can wake it to be decided again.
 */
public final class Waits {

    static final String PREFIX = "#wait#";
    /** The dispatches one wait may hold: one queue message's worth, so that a wait item stays within DynamoDB's 400 KB. */
    public static final int MAX_DISPATCH_BYTES = 256 * 1024;
    private static final String DEFERRED = "#deferred#";
    private static final String PK = HeraldTables.DELIVERIES.partitionKey();
    private static final String SK = HeraldTables.DELIVERIES.sortKey().orElseThrow();

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration retention;

    public Waits(DynamoDbClient dynamo, String table, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
    }

    /**
     * The wait for these dispatches of one notification: its id is derived from the due time, the channels and the
     * recipients, so the same unit scheduled again yields the same wait.
     */
    public static Wait of(String reason, Instant dueAt, List<Dispatch> dispatches, String cancelKey, Instant notBefore) {
        Dispatch first = dispatches.getFirst();
        StringBuilder identity = new StringBuilder(first.typeId()).append('\n').append(reason);
        for (Dispatch dispatch : dispatches) {
            identity.append('\n').append(dispatch.channel().id());
            dispatch.recipients().forEach(r -> identity.append('\n').append(r.id()));
        }
        String id = PREFIX + dueAt.getEpochSecond() + "#" + hash(identity.toString());
        return new Wait(first.notificationId(), id, reason, dueAt, dispatches, cancelKey, notBefore);
    }

    /** A wait of one dispatch, for a delay or an escalation. */
    public static Wait of(String reason, Instant dueAt, Dispatch dispatch, String cancelKey) {
        return of(reason, dueAt, List.of(dispatch), cancelKey, null);
    }

    /** Stores the wait unless it is stored already; true when this call stored it. */
    public boolean put(Wait wait) {
        deferredRecipient(wait).ifPresent(recipient -> dynamo.putItem(r -> r.tableName(table).item(Items.item()
                .s(PK, DEFERRED + recipient).s(SK, wait.notificationId() + "\n" + wait.id()).s("dueAt", wait.dueAt())
                .n(HeraldTables.TTL, wait.dueAt().plus(retention).getEpochSecond()).build())));
        try {
            dynamo.putItem(r -> r.tableName(table).item(Items.item()
                    .s(PK, wait.notificationId())
                    .s(SK, wait.id())
                    .s("reason", wait.reason())
                    .s("dueAt", wait.dueAt())
                    .s("dispatches", Json.write(wait.dispatches()))
                    .s("cancelKey", wait.cancelKey())
                    .s("notBefore", wait.notBefore())
                    .n(HeraldTables.TTL, wait.dueAt().plus(retention).getEpochSecond())
                    .build())
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    public Optional<Wait> find(String notificationId, String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(notificationId, id)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Wait(notificationId, id, Items.string(item, "reason"), Items.instant(item, "dueAt"),
                List.of(Json.read(Items.string(item, "dispatches"), Dispatch[].class)), Items.string(item, "cancelKey"),
                Items.instant(item, "notBefore")));
    }

    /** Moves a stored wait's due time; false when it is gone (handled meanwhile). */
    public boolean moveDue(Wait wait, Instant newDue) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(wait.notificationId(), wait.id()))
                    .updateExpression("SET #due = :due, #ttl = :ttl")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#due", "dueAt", "#ttl", HeraldTables.TTL, "#pk", PK))
                    .expressionAttributeValues(Map.of(":due", Items.s(newDue.toString()), ":ttl", Items.n(newDue.plus(retention).getEpochSecond()))));
            return true;
        } catch (ConditionalCheckFailedException gone) {
            return false;
        }
    }

    /** Deletes a handled wait, and its listing under its recipient. */
    public void delete(Wait wait) {
        dynamo.deleteItem(r -> r.tableName(table).key(key(wait.notificationId(), wait.id())));
        deferredRecipient(wait).ifPresent(recipient -> dynamo.deleteItem(r -> r.tableName(table)
                .key(Map.of(PK, Items.s(DEFERRED + recipient), SK, Items.s(wait.notificationId() + "\n" + wait.id())))));
    }

    /** Wake-ups that have a recipient's quiet-hours waits decided again now ({@link WakeUp#due()} null). */
    public List<WakeUp> deferredFor(String recipientId) {
        List<WakeUp> wakeUps = new ArrayList<>();
        for (Map<String, AttributeValue> item : dynamo.queryPaginator(r -> r.tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", PK))
                .expressionAttributeValues(Map.of(":pk", Items.s(DEFERRED + recipientId)))).items()) {
            String[] waitKey = Items.string(item, SK).split("\n", 2);
            wakeUps.add(new WakeUp(WakeUp.Kind.WAIT, waitKey[0], waitKey[1], null));
        }
        return wakeUps;
    }

    /** The one recipient of a quiet-hours wait. */
    private static Optional<String> deferredRecipient(Wait wait) {
        Set<String> recipients = wait.dispatches().stream().flatMap(d -> d.recipients().stream()).map(DispatchRecipient::id)
                .collect(Collectors.toSet());
        return DeliveryReason.QUIET_HOURS.equals(wait.reason()) && recipients.size() == 1 ? Optional.of(recipients.iterator().next()) : Optional.empty();
    }

    private static Map<String, AttributeValue> key(String notificationId, String id) {
        return Map.of(PK, Items.s(notificationId), SK, Items.s(id));
    }

    /** Values longer than this are keyed by their hash, to stay well within DynamoDB's key size. */
    static final int MAX_KEY_PART_BYTES = 512;

    /** {@code value} as part of a key: itself, or its hash when it is too long to key by. */
    public static String keyPart(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_PART_BYTES ? "sha256:" + hash(value) : value;
    }

    /** A short, stable digest of {@code text}, for ids and names that must stay within a length limit. */
    public static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
