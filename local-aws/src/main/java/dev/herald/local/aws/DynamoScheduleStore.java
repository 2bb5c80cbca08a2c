package dev.herald.local.aws;

import dev.herald.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Schedules in a DynamoDB table (partition key {@code name}), so that herald local run with {@code --data} keeps them
 * across restarts. Each item holds the schedule as JSON and its version; every change is a conditional write on that
 * version, so two runners (or two herald locals on one table) never fire a schedule twice.
 */
public final class DynamoScheduleStore implements ScheduleStore {

    private static final String NAME = "name";
    private static final String VERSION = "version";
    private static final String SCHEDULE = "schedule";

    private final DynamoDbClient dynamo;
    private final String table;

    /** Uses {@code table}, creating it (on-demand capacity) when absent. */
    public DynamoScheduleStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        createIfAbsent();
    }

    private void createIfAbsent() {
        try {
            dynamo.describeTable(r -> r.tableName(table));
            return;
        } catch (ResourceNotFoundException absent) {
            // created below
        }
        try {
            dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName(NAME).attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName(NAME).keyType(KeyType.HASH).build()));
        } catch (ResourceInUseException createdMeanwhile) {
            // another herald local created it first
        }
        dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
    }

    @Override
    public boolean create(Schedule schedule) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(schedule)).conditionExpression("attribute_not_exists(#n)")
                    .expressionAttributeNames(Map.of("#n", NAME)));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    @Override
    public Optional<Schedule> get(String name) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key(name)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(schedule(item));
    }

    @Override
    public List<Schedule> all() {
        List<Schedule> all = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(r -> r.tableName(table).consistentRead(true).exclusiveStartKey(from));
            page.items().forEach(item -> all.add(schedule(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        all.sort(Comparator.comparing(Schedule::name));
        return all;
    }

    @Override
    public boolean replace(Schedule expected, Schedule updated) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(updated)).conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", VERSION))
                    .expressionAttributeValues(Map.of(":v", number(expected.version()))));
            return true;
        } catch (ConditionalCheckFailedException stale) {
            return false;
        }
    }

    @Override
    public boolean remove(Schedule expected) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(key(expected.name())).conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", VERSION))
                    .expressionAttributeValues(Map.of(":v", number(expected.version()))));
            return true;
        } catch (ConditionalCheckFailedException stale) {
            return false;
        }
    }

    private static Map<String, AttributeValue> key(String name) {
        return Map.of(NAME, AttributeValue.fromS(name));
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static Map<String, AttributeValue> item(Schedule schedule) {
        return Map.of(NAME, AttributeValue.fromS(schedule.name()), VERSION, number(schedule.version()),
                SCHEDULE, AttributeValue.fromS(Json.write(schedule)));
    }

    private static Schedule schedule(Map<String, AttributeValue> item) {
        return Json.read(item.get(SCHEDULE).s(), Schedule.class);
    }
}
