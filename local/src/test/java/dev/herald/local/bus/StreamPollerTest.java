package dev.herald.local.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.local.store.LocalStore;
import dev.herald.local.store.LocalTable;
import dev.herald.store.Items;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** The deliveries table's stream, read as Lambda's event source mapping reads it. */
class StreamPollerTest {

    private static final String TABLE = LocalStore.TABLES.deliveries();

    @Test
    void poll_backlogOfManyBatches_readsItAllInOnePoll() throws Exception {
        // given: a poller that polls every 2 s, and 1,000 writes (ten batches) made after it started
        List<String> keys = new CopyOnWriteArrayList<>();
        try (LocalStore store = LocalStore.inMemory(); AsyncInvoker invoker = invoker(store, keys);
             StreamPoller poller = new StreamPoller(store.dynamo(), store.streams(), TABLE, invoker, "collect", Duration.ofSeconds(2))) {
            put(store, 0, 1_000);

            // then: the next poll hands over every record, in batches of at most 100, rather than one batch per poll
            awaitAtLeast(keys::size, 1_000, Duration.ofSeconds(8));
            assertThat(keys).hasSize(1_000).doesNotHaveDuplicates();
            assertThat(poller.recordsRead()).isEqualTo(1_000);
        }
    }

    private static AsyncInvoker invoker(LocalStore store, List<String> keys) {
        AsyncInvoker invoker = new AsyncInvoker(RetryPolicy.ofMillis(10), new DeadLetterQueue(new LocalTable(store.dynamo())),
                InvocationListener.NONE, Clock.systemUTC(), 1, 100);
        invoker.register(Target.of("collect", (in, out, ctx) -> Json.read(in, JsonNode.class).path("Records")
                .forEach(r -> keys.add(r.path("dynamodb").path("Keys").path("pk").path("S").asText()))));
        return invoker;
    }

    private static void put(LocalStore store, int from, int to) {
        for (int i = from; i < to; i++) {
            int n = i;
            store.dynamo().putItem(r -> r.tableName(TABLE).item(Map.of("pk", Items.s("N#" + n), "sk", Items.s("S"))));
        }
    }

    private static void awaitAtLeast(IntSupplier count, int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.getAsInt() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
