package dev.herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.catalog.Channel;
import dev.herald.store.HeraldTables;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * What DynamoDB Local enforces of DynamoDB's size limits (partition key at most 2,048 bytes, sort key at most 1,024,
 * item at most 400 KB): the processor relies on an oversized key being refused with a {@code ValidationException},
 * as DynamoDB refuses it, rather than stored.
 */
class DynamoDbLocalLimitsTest {

    private final DynamoDbClient dynamo = LocalDynamo.client();
    private final String table = LocalDynamo.freshTables().deliveries();
    private final DeliveryRepository deliveries = new DeliveryRepository(dynamo, table, Clock.systemUTC(), Duration.ofDays(1));

    @Test
    void create_sortKeyOver1024Bytes_isRefusedWithValidationException() {
        // given
        DeliveryKey key = new DeliveryKey("event-1", "booking.created", Channel.WEBSOCKET, "u".repeat(1025));

        // then
        assertThatThrownBy(() -> deliveries.create(Delivery.pending(key, Instant.now(), null)))
                .isInstanceOfSatisfying(DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    }

    @Test
    void create_sortKeyOf1024Bytes_isStored() {
        // given
        String prefix = "booking.created#websocket#";
        DeliveryKey key = new DeliveryKey("event-2", "booking.created", Channel.WEBSOCKET, "u".repeat(1024 - prefix.length()));

        // when
        boolean created = deliveries.create(Delivery.pending(key, Instant.now(), null));

        // then
        assertThat(created).isTrue();
        assertThat(DeliveryKey.MAX_SORT_KEY_BYTES).isEqualTo(1024);
    }

    @Test
    void put_partitionKeyOver2048Bytes_isRefusedWithValidationException() {
        assertThatThrownBy(() -> dynamo.putItem(r -> r.tableName(table).item(Map.of(
                HeraldTables.DELIVERIES.partitionKey(), AttributeValue.fromS("e".repeat(2049)),
                HeraldTables.DELIVERIES.sortKey().orElseThrow(), AttributeValue.fromS("sk")))))
                .isInstanceOfSatisfying(DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    }

    @Test
    void put_itemOver400KB_isRefusedWithValidationException() {
        assertThatThrownBy(() -> dynamo.putItem(r -> r.tableName(table).item(Map.of(
                HeraldTables.DELIVERIES.partitionKey(), AttributeValue.fromS("event-3"),
                HeraldTables.DELIVERIES.sortKey().orElseThrow(), AttributeValue.fromS("sk"),
                "payload", AttributeValue.fromS("p".repeat(400 * 1024))))))
                .isInstanceOfSatisfying(DynamoDbException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
    }
}
