package dev.herald.local.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.local.store.LocalStore;
import dev.herald.local.store.LocalTable;
import dev.herald.store.Items;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.StreamRecord;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

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

    @Test
    void poll_changesMadeBeforeThePollerStarted_areNotHandedOver() throws Exception {
        // given: three writes, then a poller, then two more writes
        List<String> keys = new CopyOnWriteArrayList<>();
        try (LocalStore store = LocalStore.inMemory(); AsyncInvoker invoker = invoker(store, keys)) {
            put(store, 0, 3);
            try (StreamPoller poller = new StreamPoller(store.dynamo(), store.streams(), TABLE, invoker, "collect", Duration.ofMillis(50))) {
                put(store, 3, 5);

                // then: only the two later writes reach the target, as a restart with --data must not replay old changes
                awaitAtLeast(keys::size, 2, Duration.ofSeconds(5));
                Thread.sleep(200);
                assertThat(keys).containsExactly("N#3", "N#4");
            }
        }
    }

    @Test
    void poll_shardEndsAndASuccessorOpens_readsTheSuccessorInTheSamePoll() throws Exception {
        // given: a stream whose open shard A ends after two records, as DynamoDB's shard rollover ends one, and whose
        // successor B already holds three
        ScriptedStream stream = new ScriptedStream();
        stream.page("A-0", () -> stream.rolledOver ? page(0, 2, null) : page(0, 0, "A-0"));
        stream.page("B-0", () -> page(2, 5, "B-5"));
        List<String> keys = new CopyOnWriteArrayList<>();
        try (LocalStore store = LocalStore.inMemory(); AsyncInvoker invoker = invoker(store, keys);
             StreamPoller poller = new StreamPoller(store.dynamo(), stream, TABLE, invoker, "collect", Duration.ofMillis(300))) {
            stream.rolledOver = true;

            // then: all five arrive within about one poll interval, not once the shard list happens to be refreshed
            awaitAtLeast(keys::size, 5, Duration.ofSeconds(2));
            assertThat(keys).containsExactly("N#0", "N#1", "N#2", "N#3", "N#4");
        }
    }

    @Test
    void poll_iteratorRefusedAsTrimmed_takesANewOneAndHandsNothingOverTwice() throws Exception {
        // given: a shard whose iterator is refused as trimmed after two records were handed over, as DynamoDB Local
        // refuses iterators taken while the shard was empty
        ScriptedStream stream = new ScriptedStream();
        AtomicInteger fromStart = new AtomicInteger();
        stream.page("A-0", () -> fromStart.getAndIncrement() == 0 ? page(0, 0, "A-1") : page(0, 4, "A-4"));
        stream.page("A-1", () -> page(0, 2, "A-2"));
        stream.page("A-2", () -> {
            throw TrimmedDataAccessException.builder().message("trimmed").build();
        });
        List<String> keys = new CopyOnWriteArrayList<>();
        try (LocalStore store = LocalStore.inMemory(); AsyncInvoker invoker = invoker(store, keys);
             StreamPoller poller = new StreamPoller(store.dynamo(), stream, TABLE, invoker, "collect", Duration.ofMillis(50))) {

            // then: the new iterator reads the shard from its start, and only the two records not yet handed over go on
            awaitAtLeast(keys::size, 4, Duration.ofSeconds(2));
            Thread.sleep(200);
            assertThat(keys).containsExactly("N#0", "N#1", "N#2", "N#3");
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

    private static GetRecordsResponse page(int from, int to, String next) {
        List<Record> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(Record.builder().eventName("INSERT").dynamodb(StreamRecord.builder().sequenceNumber(String.valueOf(i + 1))
                    .keys(Map.of("pk", Items.s("N#" + i), "sk", Items.s("S"))).build()).build());
        }
        return GetRecordsResponse.builder().records(records).nextShardIterator(next).build();
    }

    /**
     * A stream of shard A (open until {@link #rolledOver}, then ended) and then B, whose pages are scripted by
     * iterator. A new iterator for a shard is always {@code <shard>-0}, the shard's start.
     */
    private static final class ScriptedStream implements DynamoDbStreamsClient {
        private final Map<String, Supplier<GetRecordsResponse>> pages = new ConcurrentHashMap<>();
        volatile boolean rolledOver;

        void page(String iterator, Supplier<GetRecordsResponse> response) {
            pages.put(iterator, response);
        }

        @Override
        public DescribeStreamResponse describeStream(Consumer<DescribeStreamRequest.Builder> request) {
            List<Shard> shards = new ArrayList<>();
            shards.add(Shard.builder().shardId("A").sequenceNumberRange(r -> r.startingSequenceNumber("1")
                    .endingSequenceNumber(rolledOver ? "2" : null)).build());
            if (rolledOver) {
                shards.add(Shard.builder().shardId("B").parentShardId("A").sequenceNumberRange(r -> r.startingSequenceNumber("3")).build());
            }
            return DescribeStreamResponse.builder().streamDescription(d -> d.shards(shards)).build();
        }

        @Override
        public GetShardIteratorResponse getShardIterator(Consumer<GetShardIteratorRequest.Builder> request) {
            return GetShardIteratorResponse.builder().shardIterator(GetShardIteratorRequest.builder().applyMutation(request).build().shardId() + "-0")
                    .build();
        }

        @Override
        public GetRecordsResponse getRecords(Consumer<GetRecordsRequest.Builder> request) {
            String iterator = GetRecordsRequest.builder().applyMutation(request).build().shardIterator();
            return pages.getOrDefault(iterator, () -> StreamPollerTest.page(0, 0, iterator)).get();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }
}
