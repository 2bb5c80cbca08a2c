package dev.herald.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Channel;
import dev.herald.config.HeraldConfig;
import dev.herald.connection.Connection;
import dev.herald.config.HeraldEnv;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The one wiring of a handler's collaborators, as Lambda and herald local both use it. */
class WiringTest {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @Test
    void deliveries_keepRecordsAsLongAsTheConfiguredRetention() {
        // given
        HeraldTables.Names tables = LocalDynamo.freshTables();
        HeraldConfig config = tables.applyTo(HeraldConfig.of(Map.of())).with(HeraldEnv.DELIVERY_RETENTION_DAYS, "7");
        Wiring wiring = Wiring.builder(config).dynamo(LocalDynamo.client()).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        DeliveryKey key = new DeliveryKey("event-1", "booking.created", Channel.EMAIL, "user-1");

        // when
        wiring.deliveries().create(Delivery.pending(key, NOW, null));

        // then
        Map<String, AttributeValue> item = LocalDynamo.client().getItem(r -> r.tableName(tables.deliveries())
                .key(Map.of("pk", Items.s(key.notificationId()), "sk", Items.s(key.sortKey())))).item();
        assertThat(Long.parseLong(item.get(HeraldTables.TTL).n())).isEqualTo(NOW.plus(Duration.ofDays(7)).getEpochSecond());
    }

    @Test
    void repositories_useTheConfiguredTableNames() {
        // given
        HeraldTables.Names tables = LocalDynamo.freshTables();
        Wiring wiring = Wiring.builder(tables.applyTo(HeraldConfig.of(Map.of()))).dynamo(LocalDynamo.client()).build();

        // when
        wiring.connections().put(new Connection("c-1", "user-1", NOW));

        // then
        assertThat(LocalDynamo.client().scan(r -> r.tableName(tables.connections())).count()).isEqualTo(1);
    }
}
