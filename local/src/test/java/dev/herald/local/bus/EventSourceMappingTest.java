package dev.herald.local.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.herald.json.Json;
import dev.herald.local.aws.LocalQueues;
import dev.herald.queue.BatchResponse;
import dev.herald.queue.QueueBatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local event source mapping against ElasticMQ: Lambda's batch, partial-failure and visibility semantics.
 */
class EventSourceMappingTest {

    private final LocalQueues queues = new LocalQueues();
    private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    private EventSourceMapping mapping;

    EventSourceMappingTest() {
        queues.start("http://127.0.0.1:1");
    }

    @AfterEach
    void tearDown() {
        if (mapping != null) {
            mapping.stop(Duration.ofSeconds(5));
        }
        queues.close();
    }

    /** Counts each body it is handed; reports the bodies starting with "fail" as failed. */
    private final RequestStreamHandler partlyFailing = (in, out, context) -> {
        QueueBatch batch = Json.read(in, QueueBatch.class);
        List<String> failed = batch.records().stream().peek(m -> handled.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet())
                .filter(m -> m.body().startsWith("fail")).map(QueueBatch.Message::messageId).toList();
        out.write(Json.writeBytes(BatchResponse.failed(failed)));
    };

    @Test
    void partialBatchFailure_retriesOnlyTheFailedMessage_untilTheDlqTakesIt() throws Exception {
        // given: a queue whose messages go to the DLQ after 2 receives, with a 1 s visibility timeout
        LocalQueues.Queue queue = queues.create("work", new LocalQueues.Settings(Duration.ofSeconds(1), 2));
        send(queue, "ok-1", "fail-2", "ok-3");

        // when
        mapping = new EventSourceMapping("fn", partlyFailing, queues.client(), queue, new EventSourceMapping.Settings(10, Duration.ofMillis(200), 1),
                never(), InvocationListener.NONE, 2);
        awaitUntil(() -> depth("work-dlq").visible() == 1);

        // then
        assertThat(handled.get("ok-1")).hasValue(1);
        assertThat(handled.get("ok-3")).hasValue(1);
        assertThat(handled.get("fail-2")).hasValue(2);
        assertThat(depth("work").total()).isZero();
    }

    @Test
    void aFunctionThatThrows_failsTheWholeBatch_whichComesBackAfterItsVisibilityTimeout() throws Exception {
        // given: the first invocation throws
        LocalQueues.Queue queue = queues.create("flaky", new LocalQueues.Settings(Duration.ofSeconds(1), 5));
        send(queue, "a", "b");
        AtomicInteger invocations = new AtomicInteger();
        RequestStreamHandler throwsOnce = (in, out, context) -> {
            if (invocations.incrementAndGet() == 1) {
                throw new IllegalStateException("the function crashed");
            }
            partlyFailing.handleRequest(in, out, context);
        };

        // when
        mapping = new EventSourceMapping("fn", throwsOnce, queues.client(), queue, new EventSourceMapping.Settings(10, Duration.ofMillis(500), 1),
                never(), InvocationListener.NONE, 5);
        awaitUntil(() -> handled.size() == 2 && depth("flaky").total() == 0);

        // then
        assertThat(handled.get("a")).hasValue(1);
        assertThat(handled.get("b")).hasValue(1);
        assertThat(invocations.get()).isGreaterThanOrEqualTo(2);
        assertThat(mapping.usage().invocations()).isEqualTo(invocations.get());
    }

    @Test
    void aResponseNamingAMessageNotInTheBatch_failsTheWholeBatch() throws Exception {
        // given
        LocalQueues.Queue queue = queues.create("odd", new LocalQueues.Settings(Duration.ofSeconds(1), 2));
        send(queue, "x");
        RequestStreamHandler confused = (in, out, context) -> {
            Json.read(in, QueueBatch.class).records().forEach(m -> handled.computeIfAbsent(m.body(), b -> new AtomicInteger()).incrementAndGet());
            out.write(Json.writeBytes(BatchResponse.failed(List.of("not-in-the-batch"))));
        };

        // when
        mapping = new EventSourceMapping("fn", confused, queues.client(), queue, new EventSourceMapping.Settings(10, Duration.ZERO, 1),
                never(), InvocationListener.NONE, 2);
        awaitUntil(() -> depth("odd-dlq").visible() == 1);

        // then
        assertThat(handled.get("x")).hasValue(2);
    }

    private void send(LocalQueues.Queue queue, String... bodies) {
        for (String body : bodies) {
            queues.client().sendMessage(r -> r.queueUrl(queue.url()).messageBody(body));
        }
    }

    private LocalQueues.Depth depth(String name) {
        return queues.depth(name);
    }

    private static BooleanSupplier never() {
        return () -> false;
    }

    private static void awaitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 20 s");
            }
            Thread.sleep(50);
        }
    }
}
