package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.testing.LocalDynamo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
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

/**
 * Reading a table's stream as Lambda's event source mapping does: against DynamoDB Local's real stream, and against a
 * scripted stream for the shard events DynamoDB Local does not produce on demand (rollover, a refused iterator).
 */
class StreamTailTest {

    private final String table = LocalDynamo.freshTables().deliveries();

    @Test
    void poll_changesMadeBeforeTheTailStarted_areSkipped() {
        // given: three writes, then a tail, then two more writes
        put(0, 3);
        StreamTail tail = new StreamTail(LocalDynamo.client(), LocalDynamo.streams(), table);
        put(3, 5);

        // when
        List<String> keys = keys(tail.poll(100));

        // then: only the later two, as a restart of herald local with --data must not replay old changes
        assertThat(keys).containsExactly("N#3", "N#4");
        assertThat(tail.poll(100)).isEmpty();
    }

    @Test
    void poll_emptyStreamAtStart_readsEverythingWrittenAfter() {
        // given: a tail on a table that was never written, as herald local starts on fresh tables
        StreamTail tail = new StreamTail(LocalDynamo.client(), LocalDynamo.streams(), table);
        put(0, 2);
        assertThat(keys(tail.poll(100))).containsExactly("N#0", "N#1");

        // when
        put(2, 3);

        // then
        assertThat(keys(tail.poll(100))).containsExactly("N#2");
    }

    @Test
    void poll_backlogLongerThanAPage_handsItOverPageByPage() {
        // given
        StreamTail tail = new StreamTail(LocalDynamo.client(), LocalDynamo.streams(), table);
        put(0, 250);
        List<Integer> pageSizes = new ArrayList<>();
        List<String> keys = new ArrayList<>();

        // when
        tail.poll(100, 10, page -> {
            pageSizes.add(page.size());
            keys.addAll(keys(page));
        });

        // then
        assertThat(pageSizes).containsExactly(100, 100, 50);
        assertThat(keys).hasSize(250).doesNotHaveDuplicates();
    }

    @Test
    void poll_consumerThrows_handsTheSamePageOverAtTheNextPoll() {
        // given
        StreamTail tail = new StreamTail(LocalDynamo.client(), LocalDynamo.streams(), table);
        put(0, 3);
        assertThatThrownBy(() -> tail.poll(100, 10, page -> {
            throw new IllegalStateException("busy");
        })).hasMessage("busy");

        // when
        List<String> keys = keys(tail.poll(100));

        // then
        assertThat(keys).containsExactly("N#0", "N#1", "N#2");
    }

    @Test
    void poll_shardEndsAndASuccessorOpens_readsTheSuccessorInTheSamePoll() {
        // given: a stream whose open shard A ends after two records, as DynamoDB's shard rollover ends one, and whose
        // successor B already holds three
        ScriptedStream stream = new ScriptedStream();
        stream.page("A-0", () -> stream.rolledOver ? page(0, 2, null) : page(0, 0, "A-0"));
        stream.page("B-0", () -> page(2, 5, "B-5"));
        StreamTail tail = new StreamTail(LocalDynamo.client(), stream, table);
        stream.rolledOver = true;

        // when
        List<String> keys = keys(tail.poll(100));

        // then: all five in one poll, not once the shard list happens to be refreshed
        assertThat(keys).containsExactly("N#0", "N#1", "N#2", "N#3", "N#4");
    }

    @Test
    void poll_iteratorRefusedAsTrimmed_takesANewOneAndHandsNothingOverTwice() {
        // given: a shard whose iterator is refused as trimmed after two records were handed over, as DynamoDB Local
        // refuses iterators taken while the shard was empty
        ScriptedStream stream = new ScriptedStream();
        AtomicInteger fromStart = new AtomicInteger();
        stream.page("A-0", () -> fromStart.getAndIncrement() == 0 ? page(0, 0, "A-1") : page(0, 4, "A-4"));
        stream.page("A-1", () -> page(0, 2, "A-2"));
        stream.page("A-2", () -> {
            throw TrimmedDataAccessException.builder().message("trimmed").build();
        });
        StreamTail tail = new StreamTail(LocalDynamo.client(), stream, table);
        assertThat(keys(tail.poll(100))).containsExactly("N#0", "N#1");

        // when
        List<String> keys = keys(tail.poll(100));

        // then: the new iterator reads the shard from its start, and only the two records not yet handed over go on
        assertThat(keys).containsExactly("N#2", "N#3");
        assertThat(tail.poll(100)).isEmpty();
    }

    private void put(int from, int to) {
        for (int i = from; i < to; i++) {
            int n = i;
            LocalDynamo.client().putItem(r -> r.tableName(table).item(Map.of("pk", Items.s("N#" + n), "sk", Items.s("S"))));
        }
    }

    private static List<String> keys(List<Record> records) {
        return records.stream().map(r -> r.dynamodb().keys().get("pk").s()).toList();
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
            return pages.getOrDefault(iterator, () -> StreamTailTest.page(0, 0, iterator)).get();
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
