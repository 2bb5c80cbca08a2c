package dev.herald.local.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.Items;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

class CountingDynamoTest {

    @Test
    void calls_areCountedByOperation_withTheCapacityTheyConsume_indexesIncluded_whileMetering() {
        try (LocalStore store = LocalStore.inMemory()) {
            String deliveries = LocalStore.TABLES.deliveries();
            store.meterCapacity(true);

            // when: a put of an item the byRecipient index holds too, then a get of it, in both request styles
            store.dynamo().putItem(r -> r.tableName(deliveries).item(Map.of("pk", Items.s("n1"), "sk", Items.s("t#email#u1"),
                    "recipientId", Items.s("u1"), "inboxKey", Items.s("k"))));
            store.dynamo().getItem(GetItemRequest.builder().tableName(deliveries).consistentRead(true)
                    .key(Map.of("pk", Items.s("n1"), "sk", Items.s("t#email#u1"))).build());
            store.dynamo().describeTable(r -> r.tableName(deliveries));

            // then: one write unit for the table and one for the index; one read unit for a strongly consistent get
            assertThat(store.calls()).containsEntry("putItem", 1L).containsEntry("getItem", 1L).containsEntry("describeTable", 1L);
            assertThat(store.capacity()).isEqualTo(new CountingDynamo.Capacity(1.0, 2.0));
        }
    }

    @Test
    void queryPaginator_readsEveryPage_eachCountedAsAQuery() {
        try (LocalStore store = LocalStore.inMemory()) {
            // given: five items of one partition
            String deliveries = LocalStore.TABLES.deliveries();
            for (int i = 0; i < 5; i++) {
                String sk = "t#email#u" + i;
                store.dynamo().putItem(r -> r.tableName(deliveries).item(Map.of("pk", Items.s("n2"), "sk", Items.s(sk))));
            }

            // when: read two at a time through the SDK's paginator
            List<String> read = store.dynamo().queryPaginator(r -> r.tableName(deliveries).consistentRead(true).limit(2)
                    .keyConditionExpression("#pk = :pk").expressionAttributeNames(Map.of("#pk", "pk"))
                    .expressionAttributeValues(Map.of(":pk", Items.s("n2")))).items().stream().map(i -> Items.string(i, "sk")).toList();

            // then: all five, in three pages (two, two, one), each counted as a query
            assertThat(read).hasSize(5).doesNotHaveDuplicates();
            assertThat(store.calls()).containsEntry("query", 3L).doesNotContainKey("queryPaginator");
        }
    }

    @Test
    void capacity_isNotAskedFor_whenMeteringIsOff() {
        try (LocalStore store = LocalStore.inMemory()) {
            // when
            store.dynamo().putItem(r -> r.tableName(LocalStore.TABLES.recipients()).item(Map.of("pk", Items.s("p"), "sk", Items.s("s"))));

            // then
            assertThat(store.calls()).containsEntry("putItem", 1L);
            assertThat(store.capacity()).isEqualTo(new CountingDynamo.Capacity(0, 0));
        }
    }
}
