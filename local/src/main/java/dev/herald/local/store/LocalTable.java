package dev.herald.local.store;

import dev.herald.local.aws.PlatformEndpointStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * herald local's own state, kept beside Herald's tables so that {@code --data} keeps it too: dead letters
 * ({@code DLQ / id}) and the SNS stand-in's platform endpoints ({@code SNS_ENDPOINT / arn}). Items are flat string
 * maps. The cloud has no such table; there SQS and SNS hold this.
 */
public final class LocalTable {

    public static final String NAME = "herald-local";
    private static final String PK = "pk";
    private static final String SK = "sk";

    private final DynamoDbClient dynamo;

    public LocalTable(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    static void createIfMissing(DynamoDbClient dynamo) {
        try {
            dynamo.createTable(r -> r.tableName(NAME).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(SK).keyType(KeyType.RANGE).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName(PK).attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(SK).attributeType(ScalarAttributeType.S).build()));
        } catch (ResourceInUseException alreadyThere) {
            // kept from an earlier run with the same --data
        }
    }

    public void put(String partition, String key, Map<String, String> attributes) {
        Map<String, AttributeValue> item = new HashMap<>();
        attributes.forEach((name, value) -> {
            if (value != null) {
                item.put(name, AttributeValue.fromS(value));
            }
        });
        item.put(PK, AttributeValue.fromS(partition));
        item.put(SK, AttributeValue.fromS(key));
        dynamo.putItem(r -> r.tableName(NAME).item(item));
    }

    public Optional<Map<String, String>> get(String partition, String key) {
        var item = dynamo.getItem(r -> r.tableName(NAME).consistentRead(true).key(key(partition, key))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(flat(item));
    }

    /** Deletes the item; true when it was there. */
    public boolean delete(String partition, String key) {
        var old = dynamo.deleteItem(r -> r.tableName(NAME).key(key(partition, key)).returnValues("ALL_OLD")).attributes();
        return old != null && !old.isEmpty();
    }

    /** Every item of a partition, in key order. */
    public List<Map<String, String>> list(String partition) {
        List<Map<String, String>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(r -> r.tableName(NAME).keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(partition)))
                    .exclusiveStartKey(from));
            page.items().forEach(i -> items.add(flat(i)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    /** The SNS stand-in's platform endpoints, kept in {@code partition} of this table. */
    public PlatformEndpointStore platformEndpoints(String partition) {
        return new PlatformEndpointStore() {
            @Override
            public void put(String arn, Map<String, String> attributes) {
                LocalTable.this.put(partition, arn, attributes);
            }

            @Override
            public Optional<Map<String, String>> get(String arn) {
                return LocalTable.this.get(partition, arn);
            }

            @Override
            public void delete(String arn) {
                LocalTable.this.delete(partition, arn);
            }

            @Override
            public List<Map<String, String>> list() {
                return LocalTable.this.list(partition);
            }
        };
    }

    private static Map<String, AttributeValue> key(String partition, String key) {
        return Map.of(PK, AttributeValue.fromS(partition), SK, AttributeValue.fromS(key));
    }

    private static Map<String, String> flat(Map<String, AttributeValue> item) {
        Map<String, String> flat = new HashMap<>();
        item.forEach((name, value) -> {
            if (!name.equals(PK) && value.s() != null) {
                flat.put(name.equals(SK) ? "key" : name, value.s());
            }
        });
        return flat;
    }
}
