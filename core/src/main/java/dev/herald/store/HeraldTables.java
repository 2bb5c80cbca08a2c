package dev.herald.store;

import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/** Herald's three tables. The README's key schema section describes exactly these definitions. */
public final class HeraldTables {

    /** TTL attribute (epoch seconds) on every table. */
    public static final String TTL = "expiresAt";

    /**
     * Deliveries: pk = notification (event) id, sk = {@code type#channel#recipient}. Index {@code byRecipient}:
     * recipientId, inboxKey = {@code createdAt#type#channel#notificationId}, for the in-app inbox; sparse, since only
     * in-app deliveries carry an inbox key. Its stream feeds Herald's own events.
     */
    public static final TableDefinition DELIVERIES = new TableDefinition("Deliveries", "pk", Optional.of("sk"),
            List.of(new TableDefinition.Index("byRecipient", "recipientId", "inboxKey")), TTL, true);

    /** Connections: pk = connectionId. Index {@code byUser}: userId, connectionId. */
    public static final TableDefinition CONNECTIONS = new TableDefinition("Connections", "connectionId", Optional.empty(),
            List.of(new TableDefinition.Index("byUser", "userId", "connectionId")), TTL, false);

    /**
     * Recipients: pk/sk items for profiles ({@code USER#id / PROFILE}), devices ({@code USER#id / DEVICE#id}), topic
     * memberships (both {@code TOPIC#t / USER#id} and {@code USER#id / TOPIC#t}) and suppressed addresses
     * ({@code EMAIL#address / SUPPRESSION}).
     */
    public static final TableDefinition RECIPIENTS = new TableDefinition("Recipients", "pk", Optional.of("sk"), List.of(), TTL, false);

    public static final List<TableDefinition> ALL = List.of(DELIVERIES, CONNECTIONS, RECIPIENTS);

    private HeraldTables() {
    }

    /** The actual table names, as configured. */
    public record Names(String deliveries, String connections, String recipients) {

        public static Names from(HeraldConfig config) {
            return new Names(config.require(HeraldEnv.DELIVERIES_TABLE), config.require(HeraldEnv.CONNECTIONS_TABLE),
                    config.require(HeraldEnv.RECIPIENTS_TABLE));
        }

        /** Names with a common prefix, e.g. {@code herald-deliveries}; used by herald local and tests. */
        public static Names prefixed(String prefix) {
            return new Names(prefix + "-deliveries", prefix + "-connections", prefix + "-recipients");
        }

        public String of(TableDefinition definition) {
            if (definition == DELIVERIES) {
                return deliveries;
            }
            return definition == CONNECTIONS ? connections : recipients;
        }

        public HeraldConfig applyTo(HeraldConfig config) {
            return config.with(HeraldEnv.DELIVERIES_TABLE, deliveries)
                    .with(HeraldEnv.CONNECTIONS_TABLE, connections)
                    .with(HeraldEnv.RECIPIENTS_TABLE, recipients);
        }
    }

    /** Creates every table that does not exist yet, with TTL on; for herald local and tests (the cloud uses CDK). */
    public static void createIfMissing(DynamoDbClient dynamo, Names names) {
        for (TableDefinition definition : ALL) {
            String name = names.of(definition);
            try {
                dynamo.createTable(createTableRequest(definition, name));
            } catch (ResourceInUseException alreadyThere) {
                continue;
            }
            dynamo.updateTimeToLive(r -> r.tableName(name)
                    .timeToLiveSpecification(TimeToLiveSpecification.builder().attributeName(definition.ttlAttribute()).enabled(true).build()));
        }
    }

    public static CreateTableRequest createTableRequest(TableDefinition definition, String tableName) {
        List<String> keyAttributes = new ArrayList<>();
        keyAttributes.add(definition.partitionKey());
        definition.sortKey().ifPresent(keyAttributes::add);
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (TableDefinition.Index index : definition.indexes()) {
            for (String attribute : List.of(index.partitionKey(), index.sortKey())) {
                if (!keyAttributes.contains(attribute)) {
                    keyAttributes.add(attribute);
                }
            }
            indexes.add(GlobalSecondaryIndex.builder().indexName(index.name())
                    .keySchema(key(index.partitionKey(), KeyType.HASH), key(index.sortKey(), KeyType.RANGE))
                    .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
                    .build());
        }
        List<KeySchemaElement> keySchema = new ArrayList<>();
        keySchema.add(key(definition.partitionKey(), KeyType.HASH));
        definition.sortKey().ifPresent(sk -> keySchema.add(key(sk, KeyType.RANGE)));
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(keySchema)
                .attributeDefinitions(keyAttributes.stream()
                        .map(a -> AttributeDefinition.builder().attributeName(a).attributeType(ScalarAttributeType.S).build())
                        .toList());
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        if (definition.stream()) {
            request.streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES));
        }
        return request.build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
