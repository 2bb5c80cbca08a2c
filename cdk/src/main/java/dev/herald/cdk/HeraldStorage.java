package dev.herald.cdk;

import dev.herald.config.HeraldEnv;
import dev.herald.store.HeraldTables;
import dev.herald.store.TableDefinition;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.constructs.Construct;

/**
 * Herald's DynamoDB tables, built from the key schema in {@link HeraldTables} (never restated here): on-demand,
 * TTL on, point-in-time recovery on, keys-only indexes. Tables are retained when the stack is deleted; they hold
 * users' data.
 */
public final class HeraldStorage extends Construct {

    private final Map<TableDefinition, Table> tables = new LinkedHashMap<>();

    public HeraldStorage(Construct scope, String id, FunctionEnvironment environment) {
        super(scope, id);
        for (TableDefinition definition : HeraldTables.ALL) {
            tables.put(definition, create(definition));
        }
        environment.put(HeraldEnv.DELIVERIES_TABLE, deliveries().getTableName())
                .put(HeraldEnv.CONNECTIONS_TABLE, connections().getTableName())
                .put(HeraldEnv.RECIPIENTS_TABLE, recipients().getTableName());
    }

    private Table create(TableDefinition definition) {
        Table.Builder builder = Table.Builder.create(this, definition.logicalName())
                .partitionKey(attribute(definition.partitionKey()))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .timeToLiveAttribute(definition.ttlAttribute())
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(true)
                .removalPolicy(RemovalPolicy.RETAIN);
        definition.sortKey().ifPresent(sk -> builder.sortKey(attribute(sk)));
        if (definition.stream()) {
            builder.stream(StreamViewType.NEW_AND_OLD_IMAGES);
        }
        Table table = builder.build();
        for (TableDefinition.Index index : definition.indexes()) {
            table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
                    .indexName(index.name())
                    .partitionKey(attribute(index.partitionKey()))
                    .sortKey(attribute(index.sortKey()))
                    .projectionType(ProjectionType.KEYS_ONLY)
                    .build());
        }
        return table;
    }

    private static Attribute attribute(String name) {
        return Attribute.builder().name(name).type(AttributeType.STRING).build();
    }

    /** Every table, by its definition, in {@link HeraldTables#ALL}'s order. */
    public Map<TableDefinition, Table> tables() {
        return Collections.unmodifiableMap(tables);
    }

    public Table table(TableDefinition definition) {
        return tables.get(definition);
    }

    public Table deliveries() {
        return tables.get(HeraldTables.DELIVERIES);
    }

    public Table connections() {
        return tables.get(HeraldTables.CONNECTIONS);
    }

    public Table recipients() {
        return tables.get(HeraldTables.RECIPIENTS);
    }
}
