package dev.herald.local.store;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.herald.store.HeraldTables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * DynamoDB Local in this process, with Herald's tables and herald local's own table created at start.
 *
 * <p>In memory by default. With a data directory the same embedded engine keeps its SQLite file there
 * ({@code DIR/herald.db}), so a restart finds every delivery, recipient, device and topic again. The embedded client
 * is used in both cases: it is about five times faster than DynamoDB Local's HTTP server and opens no extra port,
 * and its item operations are called directly ({@link DirectDynamo}).
 *
 * <p>Every DynamoDB call is counted by operation ({@link #calls()}), which is what a notification would cost in AWS.
 */
public final class LocalStore implements AutoCloseable {

    /** Herald's tables as herald local names them. */
    public static final HeraldTables.Names TABLES = HeraldTables.Names.prefixed("herald");
    public static final String DATABASE_FILE = "herald.db";

    private final AmazonDynamoDBLocal local;
    private final DynamoDbClient dynamo;
    private final Path dataDir;
    private final CountingDynamo counting;
    private final DynamoDbClient uncounted;

    private LocalStore(AmazonDynamoDBLocal local, Path dataDir) {
        this.local = local;
        this.uncounted = DirectDynamo.over(local);
        this.counting = new CountingDynamo(uncounted);
        this.dynamo = counting.client();
        this.dataDir = dataDir;
        HeraldTables.createIfMissing(dynamo, TABLES);
        LocalTable.createIfMissing(dynamo);
    }

    public static LocalStore inMemory() {
        return new LocalStore(DynamoDBEmbedded.create(true), null);
    }

    /** A store kept in {@code dataDir}, created if missing. */
    public static LocalStore persistent(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir + ": " + e.getMessage(), e);
        }
        return new LocalStore(DynamoDBEmbedded.create(dataDir.resolve(DATABASE_FILE).toFile(), true), dataDir);
    }

    public static LocalStore open(Optional<Path> dataDir) {
        return dataDir.map(LocalStore::persistent).orElseGet(LocalStore::inMemory);
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    /**
     * The same store, uncounted: for the state of herald local's stand-ins (SNS platform endpoints, the Scheduler's
     * schedules, the local DLQ), which AWS keeps in its services and never bills as the account's DynamoDB.
     */
    public DynamoDbClient uncounted() {
        return uncounted;
    }

    /** DynamoDB calls made through {@link #dynamo()} so far, by operation ({@code putItem}, {@code query}, ...). */
    public Map<String, Long> calls() {
        return counting.snapshot();
    }

    /**
     * Turns on (or off) metering the capacity units that the calls through {@link #dynamo()} consume; off by default,
     * since it slows DynamoDB Local's writes.
     */
    public void meterCapacity(boolean on) {
        counting.meterCapacity(on);
    }

    /** Read and write capacity units consumed through {@link #dynamo()} while metering was on, indexes included. */
    public CountingDynamo.Capacity capacity() {
        return counting.capacity();
    }

    public DynamoDbStreamsClient streams() {
        return local.dynamoDbStreamsClient();
    }

    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }

    @Override
    public void close() {
        local.shutdownNow();
    }
}
