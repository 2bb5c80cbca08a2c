package dev.herald.recipient;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.herald.catalog.Channel;
import dev.herald.json.Json;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import java.time.Clock;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Recipient profiles, devices, topic memberships, one-click unsubscribes and suppressed email addresses, in the
 * recipients table. A recipient's profile, devices, topics and unsubscribes share one partition ({@code USER#id}),
 * so {@link #load} reads them in one query and {@link #deleteExceptDevices} removes them together (devices aside).
 * Thread-safe.
 */
public final class RecipientRepository {

    private static final String PK = HeraldTables.RECIPIENTS.partitionKey();
    private static final String SK = HeraldTables.RECIPIENTS.sortKey().orElseThrow();
    private static final String PROFILE = "PROFILE";
    private static final String DEVICE = "DEVICE#";
    private static final String TOPIC = "TOPIC#";
    private static final String UNSUBSCRIBED = "UNSUBSCRIBED#";
    private static final String USER = "USER#";
    private static final String SUPPRESSION = "SUPPRESSION";
    private static final TypeReference<Map<String, Set<Channel>>> OPT_OUTS = new TypeReference<>() {
    };
    /**
     * The profile item also carries a copy of each device ({@code device#<deviceId>}, JSON) and of each unsubscribe
     * ({@code unsub#<category>#<channel>}), written with the items themselves, so that a page of recipients is read
     * with {@code BatchGetItem} of their profile items alone.
     */
    private static final String DEVICE_COPY = "device#";
    private static final String UNSUBSCRIBE_COPY = "unsub#";
    /**
     * The recipient's own choices ({@link RecipientChoices}, JSON) on the profile item: apart from the app's fields,
     * which {@link #put} replaces, and merged over them whenever the profile is read.
     */
    private static final String CHOICES = "choices";
    /** Rounds of a conditional write that found the recipient's choices changed under it, before giving up. */
    private static final int CHOICE_ROUNDS = 5;
    /** The profile's own attributes: {@link #put} sets these and no others, so the copies survive a new profile. */
    private static final List<String> PROFILE_FIELDS = List.of("recipientId", "locale", "timeZone", "email", "displayName", "optOuts",
            "quietStart", "quietEnd", "updatedAt");
    /** Keys in one {@code BatchGetItem}. */
    private static final int BATCH_GET_KEYS = 100;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public RecipientRepository(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /**
     * Writes the app's profile whole: fields it leaves out are removed; the item's device and unsubscribe copies stay.
     * The recipient's own choices stay too, except those of the fields this profile changes from the app's previous
     * one: per field, the latest change wins, and a profile re-sent unchanged is no change. A recipient without
     * choices costs one conditional write; one with choices a read more, and the write is conditional on the choices
     * read, so that a choice made meanwhile is never lost.
     */
    public void put(RecipientProfile p) {
        String expected = null;
        RecipientChoices kept = RecipientChoices.NONE;
        for (int round = 1; ; round++) {
            try {
                writeProfile(p, expected, kept);
                return;
            } catch (ConditionalCheckFailedException choicesChanged) {
                if (round == CHOICE_ROUNDS) {
                    throw new IllegalStateException("recipient " + p.id() + "'s choices kept changing during " + CHOICE_ROUNDS
                            + " writes of the profile; retry the event");
                }
            }
            Map<String, AttributeValue> current = profileItem(p.id());
            expected = current == null ? null : Items.string(current, CHOICES);
            RecipientProfile before = current != null && current.containsKey("recipientId") ? appProfile(current) : null;
            kept = RecipientChoices.fromJson(expected).withoutFieldsChangedBy(before, p);
        }
    }

    /** The profile's fields, and the choices: kept (or removed when none are left) if they are still {@code expected}. */
    private void writeProfile(RecipientProfile p, String expected, RecipientChoices kept) {
        Map<String, AttributeValue> fields = Items.item()
                .s("recipientId", p.id())
                .s("locale", p.locale())
                .s("timeZone", p.timeZone())
                .s("email", p.email())
                .s("displayName", p.displayName())
                .s("optOuts", p.optOuts().isEmpty() ? null : Json.write(p.optOuts()))
                .s("quietStart", p.quietHours() == null ? null : p.quietHours().start().toString())
                .s("quietEnd", p.quietHours() == null ? null : p.quietHours().end().toString())
                .s("updatedAt", p.updatedAt() == null ? clock.instant() : p.updatedAt())
                .build();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        for (int i = 0; i < PROFILE_FIELDS.size(); i++) {
            String field = PROFILE_FIELDS.get(i);
            names.put("#f" + i, field);
            if (fields.containsKey(field)) {
                values.put(":f" + i, fields.get(field));
                set.add("#f" + i + " = :f" + i);
            } else {
                remove.add("#f" + i);
            }
        }
        names.put("#choices", CHOICES);
        String condition;
        if (expected == null) {
            condition = "attribute_not_exists(#choices)";
        } else {
            condition = "#choices = :expected";
            values.put(":expected", Items.s(expected));
            String next = kept.toJson();
            if (kept.isEmpty()) {
                remove.add("#choices");
            } else if (!next.equals(expected)) {
                values.put(":choices", Items.s(next));
                set.add("#choices = :choices");
            }
        }
        String update = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        dynamo.updateItem(r -> r.tableName(table).key(profileKey(p.id())).updateExpression(update).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values));
    }

    private Map<String, AttributeValue> profileItem(String recipientId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(profileKey(recipientId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /**
     * What the preference centre reads, from the profile item alone.
     *
     * @param app          the profile as the app sent it, if it has
     * @param unsubscribed the one-click unsubscribes, per category
     * @param version      the stored choices' text, which {@link #writeChoices} expects unchanged; null when none
     */
    public record StoredChoices(Optional<RecipientProfile> app, Map<String, Set<Channel>> unsubscribed, RecipientChoices choices,
                                String version) {
    }

    public StoredChoices storedChoices(String recipientId) {
        Map<String, AttributeValue> item = profileItem(recipientId);
        String version = item == null ? null : Items.string(item, CHOICES);
        Optional<RecipientProfile> app = item != null && item.containsKey("recipientId") ? Optional.of(appProfile(item)) : Optional.empty();
        return new StoredChoices(app, fromProfileItem(recipientId, item).unsubscribed(), RecipientChoices.fromJson(version), version);
    }

    /**
     * Writes the recipient's choices (creating the profile item when the app has sent no profile yet) together with
     * {@code alongWith}, in one transaction, if the stored choices are still {@code version}.
     *
     * @param alongWith e.g. the mark that announces the change; null for none
     * @return false when the choices changed since they were read: nothing was written; read them again
     */
    public boolean writeChoices(String recipientId, String version, RecipientChoices next, TransactWriteItem alongWith) {
        Map<String, String> names = Map.of("#choices", CHOICES);
        Map<String, AttributeValue> values = new HashMap<>();
        if (version != null) {
            values.put(":expected", Items.s(version));
        }
        if (!next.isEmpty()) {
            values.put(":choices", Items.s(next.toJson()));
        }
        Update update = Update.builder().tableName(table).key(profileKey(recipientId))
                .updateExpression(next.isEmpty() ? "REMOVE #choices" : "SET #choices = :choices")
                .conditionExpression(version == null ? "attribute_not_exists(#choices)" : "#choices = :expected")
                .expressionAttributeNames(names).expressionAttributeValues(values.isEmpty() ? null : values).build();
        List<TransactWriteItem> writes = new ArrayList<>(List.of(TransactWriteItem.builder().update(update).build()));
        if (alongWith != null) {
            writes.add(alongWith);
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(writes));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.hasCancellationReasons() && "ConditionalCheckFailed".equals(e.cancellationReasons().getFirst().code())) {
                return false;
            }
            throw e;
        }
    }

    public Optional<RecipientProfile> find(String recipientId) {
        return load(recipientId).profile();
    }

    /** The profile, devices, topics and unsubscribes of one recipient, in one query. */
    public Recipient load(String recipientId) {
        RecipientProfile profile = null;
        List<Device> devices = new ArrayList<>();
        Set<String> topics = new HashSet<>();
        Map<String, Set<Channel>> unsubscribed = new HashMap<>();
        for (Map<String, AttributeValue> item : partition(USER + recipientId)) {
            String sk = Items.string(item, SK);
            if (sk.equals(PROFILE)) {
                profile = profile(recipientId, item);
            } else if (sk.startsWith(DEVICE)) {
                devices.add(device(item));
            } else if (sk.startsWith(TOPIC)) {
                topics.add(sk.substring(TOPIC.length()));
            } else if (sk.startsWith(UNSUBSCRIBED)) {
                unsubscribed.computeIfAbsent(Items.string(item, "category"), c -> EnumSet.noneOf(Channel.class))
                        .add(Channel.of(Items.string(item, "channel")));
            }
        }
        return new Recipient(recipientId, Optional.ofNullable(profile), devices, topics, unsubscribed);
    }

    /**
     * The profiles, devices and unsubscribes of many recipients, in the order asked, read with {@code BatchGetItem}
     * ({@value #BATCH_GET_KEYS} profile items a call, strongly consistent) rather than a query each. Topics are not
     * read. A recipient with no item comes back without a profile.
     */
    public List<Recipient> loadAll(List<String> recipientIds) {
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        List<String> distinct = recipientIds.stream().distinct().toList();
        for (int from = 0; from < distinct.size(); from += BATCH_GET_KEYS) {
            List<Map<String, AttributeValue>> keys = distinct.subList(from, Math.min(distinct.size(), from + BATCH_GET_KEYS)).stream()
                    .map(RecipientRepository::profileKey).toList();
            batchGet(keys).forEach(item -> items.put(Items.string(item, PK).substring(USER.length()), item));
        }
        return recipientIds.stream().map(id -> fromProfileItem(id, items.get(id))).toList();
    }

    /** Of these addresses, those suppressed after a bounce or complaint, read with {@code BatchGetItem}. */
    public Set<String> suppressed(Collection<String> emails) {
        Map<String, String> byKey = new HashMap<>();
        emails.stream().filter(Objects::nonNull).forEach(e -> byKey.put(suppressionKey(e), e));
        List<String> keys = List.copyOf(byKey.keySet());
        Set<String> suppressed = new HashSet<>();
        for (int from = 0; from < keys.size(); from += BATCH_GET_KEYS) {
            List<Map<String, AttributeValue>> batch = keys.subList(from, Math.min(keys.size(), from + BATCH_GET_KEYS)).stream()
                    .map(k -> Map.of(PK, Items.s(k), SK, Items.s(SUPPRESSION))).toList();
            batchGet(batch).forEach(item -> suppressed.add(byKey.get(Items.string(item, PK))));
        }
        return suppressed;
    }

    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        for (int round = 0; !request.isEmpty(); round++) {
            if (round == 10) {
                throw new IllegalStateException("DynamoDB kept reads unprocessed after 10 rounds; retry later");
            }
            Map<String, KeysAndAttributes> current = request;
            BatchGetItemResponse response = dynamo.batchGetItem(r -> r.requestItems(current));
            found.addAll(response.responses().getOrDefault(table, List.of()));
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return found;
    }

    private static Recipient fromProfileItem(String recipientId, Map<String, AttributeValue> item) {
        if (item == null) {
            return new Recipient(recipientId, Optional.empty(), List.of(), Set.of(), Map.of());
        }
        List<Device> devices = new ArrayList<>();
        Map<String, Set<Channel>> unsubscribed = new HashMap<>();
        item.forEach((name, value) -> {
            if (name.startsWith(DEVICE_COPY)) {
                devices.add(Json.read(value.s(), Device.class));
            } else if (name.startsWith(UNSUBSCRIBE_COPY)) {
                String[] categoryAndChannel = name.substring(UNSUBSCRIBE_COPY.length()).split("#", 2);
                unsubscribed.computeIfAbsent(categoryAndChannel[0], c -> EnumSet.noneOf(Channel.class)).add(Channel.of(categoryAndChannel[1]));
            }
        });
        devices.sort(Comparator.comparing(Device::deviceId));
        return new Recipient(recipientId, Optional.ofNullable(profile(recipientId, item)), devices, Set.of(), unsubscribed);
    }

    /**
     * Removes the profile, topic memberships and unsubscribes of a recipient: its whole partition but its devices.
     * Each device has an SNS platform endpoint that only the devices function may delete, so that function removes
     * the devices on the same {@code Recipient Deleted}. The two touch disjoint items: whichever runs first, nothing
     * is left once both have, and a repeat finds nothing more to do.
     */
    public void deleteExceptDevices(String recipientId) {
        List<WriteRequest> deletes = new ArrayList<>();
        for (Map<String, AttributeValue> item : partition(USER + recipientId)) {
            String sk = Items.string(item, SK);
            if (sk.startsWith(DEVICE)) {
                continue;
            }
            deletes.add(delete(USER + recipientId, sk));
            if (sk.startsWith(TOPIC)) {
                deletes.add(delete(sk, USER + recipientId));
            }
        }
        batchWrite(deletes);
    }

    /** Writes a device, and its copy on the profile item, in one transaction. */
    public void putDevice(Device d) {
        Device stamped = d.updatedAt() == null ? new Device(d.recipientId(), d.deviceId(), d.platform(), d.token(), d.endpointArn(), d.enabled(),
                clock.instant()) : d;
        var item = Items.item().s(PK, USER + d.recipientId()).s(SK, DEVICE + d.deviceId())
                .s("recipientId", d.recipientId())
                .s("deviceId", d.deviceId())
                .s("platform", d.platform().name())
                .s("token", d.token())
                .s("endpointArn", d.endpointArn())
                .bool("enabled", d.enabled())
                .s("updatedAt", stamped.updatedAt());
        dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(put -> put.tableName(table).item(item.build())).build(),
                TransactWriteItem.builder().update(copyOnProfile(d.recipientId(), DEVICE_COPY + d.deviceId(), Json.write(stamped))).build()));
    }

    public List<Device> devices(String recipientId) {
        return load(recipientId).devices();
    }

    /** Marks a device disabled, e.g. after SNS reported its endpoint disabled; it gets no pushes until re-registered. */
    public void disableDevice(String recipientId, String deviceId) {
        Map<String, AttributeValue> disabled = dynamo.updateItem(r -> r.tableName(table)
                .key(Map.of(PK, Items.s(USER + recipientId), SK, Items.s(DEVICE + deviceId)))
                .updateExpression("SET #enabled = :false, #updatedAt = :now")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#enabled", "enabled", "#updatedAt", "updatedAt", "#pk", PK))
                .expressionAttributeValues(Map.of(":false", AttributeValue.fromBool(false), ":now", Items.s(clock.instant().toString())))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        // the copy follows; were this write lost, the next push would find the endpoint disabled and come here again
        updateCopy(recipientId, DEVICE_COPY + deviceId, Json.write(device(disabled)));
    }

    /** Removes one device of a recipient, and its copy; removing a device that is not there changes nothing. */
    public void deleteDevice(String recipientId, String deviceId) {
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of(PK, Items.s(USER + recipientId), SK, Items.s(DEVICE + deviceId))));
        updateCopy(recipientId, DEVICE_COPY + deviceId, null);
    }

    /** Sets (or, for null, removes) a copy on the profile item, if that item exists. */
    private void updateCopy(String recipientId, String attribute, String value) {
        try {
            dynamo.updateItem(r -> r.tableName(table).key(profileKey(recipientId))
                    .updateExpression(value == null ? "REMOVE #copy" : "SET #copy = :value")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#copy", attribute, "#pk", PK))
                    .expressionAttributeValues(value == null ? null : Map.of(":value", Items.s(value))));
        } catch (ConditionalCheckFailedException noProfileItem) {
            // the recipient was deleted: nothing holds a copy any more
        }
    }

    /** Sets a copy on the profile item, creating the item when the recipient has no profile yet. */
    private Update copyOnProfile(String recipientId, String attribute, String value) {
        return Update.builder().tableName(table).key(profileKey(recipientId)).updateExpression("SET #copy = :value")
                .expressionAttributeNames(Map.of("#copy", attribute)).expressionAttributeValues(Map.of(":value", Items.s(value))).build();
    }

    private static Map<String, AttributeValue> profileKey(String recipientId) {
        return Map.of(PK, Items.s(USER + recipientId), SK, Items.s(PROFILE));
    }

    public void subscribe(String topic, String recipientId) {
        String now = clock.instant().toString();
        batchWrite(List.of(
                put(Items.item().s(PK, TOPIC + topic).s(SK, USER + recipientId).s("recipientId", recipientId).s("updatedAt", now).build()),
                put(Items.item().s(PK, USER + recipientId).s(SK, TOPIC + topic).s("topic", topic).s("updatedAt", now).build())));
    }

    public void unsubscribe(String topic, String recipientId) {
        batchWrite(List.of(delete(TOPIC + topic, USER + recipientId), delete(USER + recipientId, TOPIC + topic)));
    }

    /** A page of a topic's member ids, in id order, after {@code afterRecipientId} (null for the first page). */
    public List<String> members(String topic, String afterRecipientId, int limit) {
        Map<String, AttributeValue> start = afterRecipientId == null ? null
                : Map.of(PK, Items.s(TOPIC + topic), SK, Items.s(USER + afterRecipientId));
        QueryResponse page = dynamo.query(r -> r.tableName(table)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", PK))
                .expressionAttributeValues(Map.of(":pk", Items.s(TOPIC + topic)))
                .exclusiveStartKey(start)
                .limit(limit));
        return page.items().stream().map(i -> Items.string(i, SK).substring(USER.length())).toList();
    }

    /**
     * Records that a recipient unsubscribed from a category on a channel (a one-click link in an email), as an item
     * of its own beside the profile, which {@code Recipient Upserted} replaces whole. Routing honours it as it honours
     * the profile's opt-outs.
     *
     * @param notificationId the notification whose link was used, kept to show where the unsubscribe came from
     * @return false when it was already recorded (the first record is kept)
     */
    public boolean recordUnsubscribe(String recipientId, String category, Channel channel, String notificationId) {
        return recordUnsubscribe(recipientId, category, channel, notificationId, null);
    }

    /**
     * Records an unsubscribe as {@link #recordUnsubscribe(String, String, Channel, String)} does, together with
     * another write, in one transaction: both are written, or, when the unsubscribe was already recorded, neither.
     *
     * @param alongWith e.g. the mark on the delivery whose link was used; its condition must hold, or this throws; null
     *                  for none
     * @return false when it was already recorded, and nothing was written
     */
    public boolean recordUnsubscribe(String recipientId, String category, Channel channel, String notificationId, TransactWriteItem alongWith) {
        PutItemRequest put = unsubscribeRecord(recipientId, category, channel, notificationId);
        List<TransactWriteItem> writes = new ArrayList<>(List.of(
                TransactWriteItem.builder().put(p -> p.tableName(put.tableName()).item(put.item())
                        .conditionExpression(put.conditionExpression()).expressionAttributeNames(put.expressionAttributeNames())).build(),
                TransactWriteItem.builder().update(copyOnProfile(recipientId, unsubscribeCopy(category, channel), notificationId)).build()));
        if (alongWith != null) {
            writes.add(alongWith);
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(writes));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.hasCancellationReasons() && "ConditionalCheckFailed".equals(e.cancellationReasons().getFirst().code())) {
                return false;
            }
            throw e;
        }
    }

    private PutItemRequest unsubscribeRecord(String recipientId, String category, Channel channel, String notificationId) {
        var item = Items.item().s(PK, USER + recipientId).s(SK, unsubscribedKey(category, channel))
                .s("recipientId", recipientId)
                .s("category", category)
                .s("channel", channel.id())
                .s("notificationId", notificationId)
                .s("updatedAt", clock.instant());
        return PutItemRequest.builder().tableName(table).item(item.build())
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK)).build();
    }

    /**
     * Removes a recorded unsubscribe ({@code Recipient Resubscribed}), so routing sends on that channel again unless
     * the profile's own opt-outs say otherwise.
     *
     * @return false when none was recorded (a repeat, or a recipient who never unsubscribed): nothing changed
     */
    public boolean removeUnsubscribe(String recipientId, String category, Channel channel) {
        Map<String, AttributeValue> removed = dynamo.deleteItem(r -> r.tableName(table)
                .key(Map.of(PK, Items.s(USER + recipientId), SK, Items.s(unsubscribedKey(category, channel))))
                .returnValues(ReturnValue.ALL_OLD)).attributes();
        updateCopy(recipientId, unsubscribeCopy(category, channel), null);
        return removed != null && !removed.isEmpty();
    }

    /** Suppresses an address after a bounce or complaint; suppressed addresses get no email. */
    public void suppress(String email, String reason) {
        dynamo.putItem(r -> r.tableName(table).item(Items.item().s(PK, suppressionKey(email)).s(SK, SUPPRESSION)
                .s("reason", reason).s("updatedAt", clock.instant()).build()));
    }

    public boolean isSuppressed(String email) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(Map.of(PK, Items.s(suppressionKey(email)), SK, Items.s(SUPPRESSION)))).item();
        return item != null && !item.isEmpty();
    }

    private static String unsubscribeCopy(String category, Channel channel) {
        return UNSUBSCRIBE_COPY + category + "#" + channel.id();
    }

    private static String unsubscribedKey(String category, Channel channel) {
        return UNSUBSCRIBED + category + "#" + channel.id();
    }

    private static String suppressionKey(String email) {
        return "EMAIL#" + email.strip().toLowerCase(Locale.ROOT);
    }

    private List<Map<String, AttributeValue>> partition(String pk) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse page = dynamo.query(r -> r.tableName(table).consistentRead(true)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .expressionAttributeValues(Map.of(":pk", Items.s(pk)))
                    .exclusiveStartKey(exclusiveStart));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private void batchWrite(List<WriteRequest> writes) {
        for (int i = 0; i < writes.size(); i += 25) {
            Map<String, List<WriteRequest>> request = Map.of(table, writes.subList(i, Math.min(writes.size(), i + 25)));
            for (int round = 0; !request.isEmpty(); round++) {
                if (round == 10) {
                    throw new IllegalStateException("DynamoDB kept writes unprocessed after 10 rounds; retry later");
                }
                Map<String, List<WriteRequest>> current = request;
                var response = dynamo.batchWriteItem(r -> r.requestItems(current));
                request = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(p -> p.item(item)).build();
    }

    private static WriteRequest delete(String pk, String sk) {
        return WriteRequest.builder().deleteRequest(d -> d.key(Map.of(PK, Items.s(pk), SK, Items.s(sk)))).build();
    }

    /**
     * The profile routing and enrichment read: the app's, with the recipient's choices merged over it. An item
     * holding only copies (devices registered before any profile) is no profile; one holding choices is, even before
     * the app sent a profile, so that those choices count.
     */
    private static RecipientProfile profile(String recipientId, Map<String, AttributeValue> item) {
        String choices = Items.string(item, CHOICES);
        if (!item.containsKey("recipientId")) {
            return choices == null ? null : RecipientChoices.fromJson(choices).applyTo(RecipientProfile.empty(recipientId));
        }
        return RecipientChoices.fromJson(choices).applyTo(appProfile(item));
    }

    /** The profile as the app sent it. */
    private static RecipientProfile appProfile(Map<String, AttributeValue> item) {
        String optOuts = Items.string(item, "optOuts");
        String quietStart = Items.string(item, "quietStart");
        String quietEnd = Items.string(item, "quietEnd");
        return new RecipientProfile(Items.string(item, "recipientId"), Items.string(item, "locale"), Items.string(item, "timeZone"),
                Items.string(item, "email"), Items.string(item, "displayName"),
                optOuts == null ? Map.of() : Json.mapper().convertValue(Json.parse(optOuts), OPT_OUTS),
                quietStart == null || quietEnd == null ? null : new QuietHours(LocalTime.parse(quietStart), LocalTime.parse(quietEnd)),
                Items.instant(item, "updatedAt"));
    }

    private static Device device(Map<String, AttributeValue> item) {
        return new Device(Items.string(item, "recipientId"), Items.string(item, "deviceId"), Platform.valueOf(Items.string(item, "platform")),
                Items.string(item, "token"), Items.string(item, "endpointArn"), Items.bool(item, "enabled", true),
                Items.instant(item, "updatedAt"));
    }
}
