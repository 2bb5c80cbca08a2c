package dev.herald.local.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.json.Json;
import dev.herald.local.store.LocalStore;
import dev.herald.local.store.LocalTable;
import dev.herald.store.Items;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The deliveries table's stream, read as Lambda's event source mapping reads it. */
class StreamPollerTest {

    @Test
    void poll_backlogOfManyBatches_readsItAllInOnePoll() throws Exception {
        // given: a poller that polls every 2 s, and 1,000 writes (ten batches) made after its first poll
        AtomicInteger records = new AtomicInteger();
        try (LocalStore store = LocalStore.inMemory();
             AsyncInvoker invoker = new AsyncInvoker(RetryPolicy.ofMillis(10), new DeadLetterQueue(new LocalTable(store.dynamo())),
                     InvocationListener.NONE, Clock.systemUTC(), 2, 100)) {
            invoker.register(Target.of("count", (in, out, ctx) -> records.addAndGet(Json.read(in, com.fasterxml.jackson.databind.JsonNode.class)
                    .path("Records").size())));
            String table = LocalStore.TABLES.deliveries();
            try (StreamPoller poller = new StreamPoller(store.dynamo(), store.streams(), table, invoker, "count", Duration.ofSeconds(2))) {
                for (int i = 0; i < 1_000; i++) {
                    int n = i;
                    store.dynamo().putItem(r -> r.tableName(table).item(Map.of("pk", Items.s("N#" + n), "sk", Items.s("S"))));
                }

                // then: the next poll hands over every record, in batches of at most 100, rather than one batch per poll
                long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
                while (records.get() < 1_000 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(records.get()).isEqualTo(1_000);
                assertThat(poller.recordsRead()).isEqualTo(1_000);
            }
        }
    }
}
