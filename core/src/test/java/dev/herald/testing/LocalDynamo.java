package dev.herald.testing;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import dev.herald.store.HeraldTables;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;

/**
 * DynamoDB Local, embedded in the test JVM: real DynamoDB semantics (conditions, transactions, indexes) without a
 * server. One instance per JVM; each test gets its own uniquely named tables, so tests never see each other's data.
 */
public final class LocalDynamo {

    private static AmazonDynamoDBLocal local;

    private LocalDynamo() {
    }

    public static synchronized DynamoDbClient client() {
        return local().dynamoDbClient();
    }

    /** The streams of the same embedded store, e.g. the deliveries table's. */
    public static synchronized DynamoDbStreamsClient streams() {
        return local().dynamoDbStreamsClient();
    }

    private static AmazonDynamoDBLocal local() {
        if (local == null) {
            local = DynamoDBEmbedded.create(true);
        }
        return local;
    }

    /** Fresh Herald tables with a unique prefix. */
    public static HeraldTables.Names freshTables() {
        HeraldTables.Names names = HeraldTables.Names.prefixed("t" + UUID.randomUUID().toString().substring(0, 8));
        HeraldTables.createIfMissing(client(), names);
        return names;
    }
}
