package dev.herald.local.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.herald.json.Json;
import dev.herald.lambda.LambdaLimits;
import dev.herald.local.store.LocalStore;
import dev.herald.local.store.LocalTable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lambda's asynchronous invocation semantics, with small handlers standing in for functions. */
class AsyncInvokerTest {

    private static LocalStore store;

    @BeforeAll
    static void open() {
        store = LocalStore.inMemory();
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static AsyncInvoker invoker(EventLog log) {
        return new AsyncInvoker(RetryPolicy.ofMillis(10, 20), new DeadLetterQueue(new LocalTable(store.dynamo())), log, Clock.systemUTC(), 2, 100);
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void invoke_handlerAlwaysFails_triesThreeTimesThenDeadLetters() throws Exception {
        // given
        AtomicInteger calls = new AtomicInteger();
        EventLog log = new EventLog(10, Clock.systemUTC());
        try (AsyncInvoker invoker = invoker(log)) {
            invoker.register(Target.of("always-fails", (in, out, ctx) -> {
                calls.incrementAndGet();
                throw new IllegalStateException("boom");
            }));

            // when
            invoker.invoke("always-fails", "{\"n\":1}".getBytes(StandardCharsets.UTF_8), "event-1");

            // then
            await(() -> log.find("event-1").map(e -> e.state().equals("FAILED")).orElse(false));
            assertThat(calls).hasValue(3);
            var step = log.find("event-1").orElseThrow().steps().getFirst();
            assertThat(step.status()).isEqualTo("DEAD_LETTERED");
            assertThat(step.error()).isEqualTo("IllegalStateException: boom");
            var letter = new DeadLetterQueue(new LocalTable(store.dynamo())).find(step.deadLetterId()).orElseThrow();
            assertThat(letter.payload()).isEqualTo("{\"n\":1}");
            assertThat(letter.attempts()).isEqualTo(3);
        }
    }

    @Test
    void invoke_handlerFailsOnce_succeedsOnTheRetry() throws Exception {
        // given
        AtomicInteger calls = new AtomicInteger();
        EventLog log = new EventLog(10, Clock.systemUTC());
        try (AsyncInvoker invoker = invoker(log)) {
            invoker.register(Target.of("flaky", (in, out, ctx) -> {
                if (calls.incrementAndGet() == 1) {
                    throw new IllegalStateException("transient");
                }
            }));

            // when
            invoker.invoke("flaky", "{}".getBytes(StandardCharsets.UTF_8), "event-2");

            // then
            await(() -> log.find("event-2").map(e -> e.state().equals("DONE")).orElse(false));
            assertThat(log.find("event-2").orElseThrow().steps().getFirst().attempts()).isEqualTo(2);
        }
    }

    @Test
    void invoke_withOnSuccess_passesLambdasDestinationRecord() throws Exception {
        // given
        List<String> received = new CopyOnWriteArrayList<>();
        RequestStreamHandler echo = (in, out, ctx) -> out.write("{\"answer\":42}".getBytes(StandardCharsets.UTF_8));
        RequestStreamHandler next = (in, out, ctx) -> received.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        try (AsyncInvoker invoker = invoker(new EventLog(10, Clock.systemUTC()))) {
            invoker.register(new Target("first", echo, "second"));
            invoker.register(Target.of("second", next));

            // when
            invoker.invoke("first", "{\"question\":true}".getBytes(StandardCharsets.UTF_8), "event-3");

            // then
            await(() -> !received.isEmpty());
            var record = Json.parse(received.getFirst());
            assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("Success");
            assertThat(record.path("requestPayload").path("question").asBoolean()).isTrue();
            assertThat(record.path("responsePayload").path("answer").asInt()).isEqualTo(42);
        }
    }

    @Test
    void invoke_queueFull_isRefusedLikeAThrottledInvoke() throws Exception {
        // given: one worker, a queue of one, a handler that blocks
        var gate = new java.util.concurrent.CountDownLatch(1);
        try (AsyncInvoker invoker = new AsyncInvoker(RetryPolicy.ofMillis(10), new DeadLetterQueue(new LocalTable(store.dynamo())),
                InvocationListener.NONE, Clock.systemUTC(), 1, 1)) {
            invoker.register(Target.of("slow", (in, out, ctx) -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            invoker.invoke("slow", new byte[0], null);
            await(() -> invoker.inFlight() == 1 && invoker.inFlight() > 0);
            invoker.invoke("slow", new byte[0], null);

            // then
            assertThatThrownBy(() -> invoker.invoke("slow", new byte[0], null))
                    .isInstanceOf(RejectedInvocationException.class).hasMessageContaining("busy");
            gate.countDown();
        }
    }

    @Test
    void invoke_withDuplicatesOn_deliversEachInvocationTwice_asSeparateInvocations() throws Exception {
        // given: the invocations fault at 100%
        List<String> received = new CopyOnWriteArrayList<>();
        EventLog log = new EventLog(10, Clock.systemUTC());
        try (AsyncInvoker invoker = invoker(log)) {
            invoker.duplicateWhen(() -> true);
            invoker.register(Target.of("collect", (in, out, ctx) -> received.add(new String(in.readAllBytes(), StandardCharsets.UTF_8))));

            // when
            invoker.invoke("collect", "{\"n\":7}".getBytes(StandardCharsets.UTF_8), "event-dup");

            // then: the same payload twice, each a step of its own in the event's log
            await(() -> received.size() == 2 && invoker.inFlight() == 0);
            assertThat(received).containsExactly("{\"n\":7}", "{\"n\":7}");
            await(() -> log.find("event-dup").map(e -> e.steps().size() == 2).orElse(false));
        }
    }

    @Test
    void stop_deadLettersWhatIsQueuedWaitingForARetryOrStillRunning_asInterrupted() throws Exception {
        // given: one worker busy with an invocation that outlasts the grace period, one queued behind it, one waiting
        // a minute for its retry, and a chained invocation that the running one starts after the stop began
        var gate = new java.util.concurrent.CountDownLatch(1);
        var running = new java.util.concurrent.CountDownLatch(1);
        DeadLetterQueue dlq = new DeadLetterQueue(new LocalTable(store.dynamo()));
        AtomicInteger runs = new AtomicInteger();
        AsyncInvoker invoker = new AsyncInvoker(RetryPolicy.ofMillis(60_000), dlq, InvocationListener.NONE, Clock.systemUTC(), 1, 10);
        invoker.register(new Target("slow", (in, out, ctx) -> {
            running.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "after-slow"));
        invoker.register(Target.of("after-slow", (in, out, ctx) -> runs.incrementAndGet()));
        AtomicInteger failures = new AtomicInteger();
        invoker.register(Target.of("fails", (in, out, ctx) -> {
            failures.incrementAndGet();
            throw new IllegalStateException("transient");
        }));
        invoker.invoke("fails", "{\"f\":1}".getBytes(StandardCharsets.UTF_8), "stop-waiting");
        await(() -> failures.get() == 1 && invoker.inFlight() == 1);
        invoker.invoke("slow", "{}".getBytes(StandardCharsets.UTF_8), "stop-running");
        running.await();
        invoker.invoke("after-slow", "{\"q\":1}".getBytes(StandardCharsets.UTF_8), "stop-queued");

        // when: the slow one finishes only after the grace period, and so invokes its destination during the stop
        new Thread(() -> {
            sleep(1_000);
            gate.countDown();
        }).start();
        int interrupted = invoker.stop(Duration.ofMillis(100));
        await(() -> dlq.list().stream().filter(l -> "stop-running".equals(l.eventId())).count() == 2);

        // then: nothing ran after the stop began, and every unfinished invocation is in the DLQ, marked to run again,
        // including the destination invoked once the stop was over
        assertThat(runs).hasValue(0);
        assertThat(interrupted).isEqualTo(3);
        List<DeadLetter> letters = dlq.list().stream().filter(l -> l.eventId() != null && l.eventId().startsWith("stop-")).toList();
        assertThat(letters).allSatisfy(l -> assertThat(l.error()).isEqualTo(AsyncInvoker.INTERRUPTED))
                .extracting(l -> l.eventId() + ":" + l.target() + ":" + l.attempts())
                .containsExactlyInAnyOrder("stop-waiting:fails:1", "stop-running:slow:0", "stop-queued:after-slow:0", "stop-running:after-slow:0");
        assertThat(letters).filteredOn(l -> l.eventId().equals("stop-waiting")).singleElement()
                .satisfies(l -> assertThat(l.payload()).isEqualTo("{\"f\":1}"));
        assertThat(letters).filteredOn(l -> l.eventId().equals("stop-running") && l.target().equals("after-slow")).singleElement()
                .satisfies(l -> assertThat(Json.parse(l.payload()).path("requestContext").path("condition").asText()).isEqualTo("Success"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void invoke_payloadOverLambdasAsyncLimit_isRefusedAndNeverRuns() {
        // given
        AtomicInteger calls = new AtomicInteger();
        try (AsyncInvoker invoker = invoker(new EventLog(10, Clock.systemUTC()))) {
            invoker.register(Target.of("f", (in, out, ctx) -> calls.incrementAndGet()));
            byte[] payload = ("{\"blob\":\"" + "x".repeat(LambdaLimits.ASYNC_PAYLOAD_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);

            // when / then
            assertThatThrownBy(() -> invoker.invoke("f", payload, "event-big"))
                    .isInstanceOf(PayloadTooLargeException.class)
                    .hasMessageContaining("RequestTooLargeException").hasMessageContaining("1048576");
            assertThat(calls).hasValue(0);
        }
    }

    @Test
    void onSuccessRecordOverTheLimit_isDeadLetteredOnce_asTheDestinationDeliveryFailureLambdaWouldDrop() throws Exception {
        // given: a function whose response alone is over 1 MB
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger delivered = new AtomicInteger();
        EventLog log = new EventLog(10, Clock.systemUTC());
        try (AsyncInvoker invoker = invoker(log)) {
            invoker.register(new Target("fan-out", (in, out, ctx) -> {
                calls.incrementAndGet();
                out.write(("{\"recipients\":\"" + "r".repeat(LambdaLimits.ASYNC_PAYLOAD_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8));
            }, "next"));
            invoker.register(Target.of("next", (in, out, ctx) -> delivered.incrementAndGet()));

            // when
            invoker.invoke("fan-out", "{}".getBytes(StandardCharsets.UTF_8), "event-fan-out");

            // then
            await(() -> log.find("event-fan-out").map(e -> e.state().equals("FAILED")).orElse(false));
            var step = log.find("event-fan-out").orElseThrow().steps().getFirst();
            assertThat(step.error()).startsWith("DestinationDeliveryFailure").contains("over Lambda's 1048576-byte limit");
            assertThat(calls).as("not retried: the function itself succeeded").hasValue(1);
            assertThat(delivered).hasValue(0);
            assertThat(invoker.destinationDeliveryFailures()).isEqualTo(1);
        }
    }
}
