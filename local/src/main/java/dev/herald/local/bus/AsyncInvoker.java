package dev.herald.local.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import dev.herald.lambda.LambdaLimits;
import dev.herald.local.aws.AsyncFunctions;
import dev.herald.observability.Correlation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invokes targets the way Lambda runs an asynchronous invocation: queued, run by a bounded pool of workers, retried
 * per the {@link RetryPolicy} when the handler throws, and dead-lettered when every attempt failed. A target with an
 * on-success destination gets Lambda's destination record. A handler's exception never escapes into the runtime.
 *
 * <p>Lambda's queue of asynchronous invocations is durable; this one is in memory. So that a stop loses nothing,
 * {@link #stop} lets running invocations finish for a grace period and then dead-letters every invocation that has
 * not finished (queued, waiting for a retry, or still running) as {@link #INTERRUPTED}, from where herald local runs
 * them again at its next start. Only a killed process loses what was in flight.
 */
public final class AsyncInvoker implements AsyncFunctions, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncInvoker.class);
    /** The error of the dead letters {@link #stop} leaves; herald local redrives them when it starts again. */
    public static final String INTERRUPTED = "interrupted: herald local stopped before this invocation finished";
    /** How long a stop lets running invocations finish. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final RetryPolicy retries;
    private final DeadLetterQueue deadLetters;
    private final InvocationListener listener;
    private final Clock clock;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    /** Every invocation taken and not yet finished (succeeded or dead-lettered), with the attempt it is at. */
    private final Map<String, Unfinished> unfinished = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile BooleanSupplier duplicate = () -> false;
    /** Set once {@link #stop} has dead-lettered what was unfinished: anything invoked later goes straight there. */
    private volatile boolean stopped;

    private record Unfinished(Invocation invocation, int attempt) {
    }

    /** Attempts a target has run and the time its handler took, what Lambda bills as requests and duration. */
    public record Usage(long attempts, long handlerNanos) {
    }

    private final Map<String, LongAdder[]> usage = new ConcurrentHashMap<>();
    private final LongAdder destinationDeliveryFailures = new LongAdder();

    /**
     * @param workers     invocations running at once
     * @param queueLength invocations waiting at most; beyond that {@link #invoke} refuses, as a throttled Invoke does
     */
    public AsyncInvoker(RetryPolicy retries, DeadLetterQueue deadLetters, InvocationListener listener, Clock clock, int workers,
                        int queueLength) {
        this.retries = retries;
        this.deadLetters = deadLetters;
        this.listener = listener;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueLength),
                r -> {
                    Thread t = new Thread(r, "herald-invoke-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "herald-retry-timer");
            t.setDaemon(true);
            return t;
        });
    }

    public void register(Target target) {
        targets.put(target.name(), target);
    }

    /**
     * Asks, for each invocation, whether to deliver it twice, as EventBridge's and Lambda's at-least-once delivery
     * may: herald local's {@code invocations} fault. The copy is an invocation of its own.
     */
    public void duplicateWhen(BooleanSupplier duplicate) {
        this.duplicate = duplicate;
    }

    @Override
    public boolean has(String targetName) {
        return targets.containsKey(targetName);
    }

    /** {@link #invoke} for the Lambda stand-in: a refusal instead of an exception. */
    @Override
    public Optional<Refused> invokeAsync(String function, byte[] payload, String correlationId) {
        try {
            invoke(function, payload, correlationId);
            return Optional.empty();
        } catch (PayloadTooLargeException e) {
            return Optional.of(new Refused(Refusal.PAYLOAD_TOO_LARGE, e.getMessage()));
        } catch (RejectedInvocationException e) {
            return Optional.of(new Refused(Refusal.QUEUE_FULL, e.getMessage()));
        }
    }

    /**
     * Queues an invocation and returns at once; throws {@link RejectedInvocationException} when the queue is full, and
     * {@link PayloadTooLargeException} for a payload over {@link LambdaLimits#ASYNC_PAYLOAD_BYTES}, as Lambda's Invoke does.
     */
    public Invocation invoke(String targetName, byte[] payload, String eventId) {
        if (!targets.containsKey(targetName)) {
            throw new IllegalArgumentException("no function '" + targetName + "' in herald local; known: " + targets.keySet());
        }
        if (payload.length > LambdaLimits.ASYNC_PAYLOAD_BYTES) {
            throw new PayloadTooLargeException("RequestTooLargeException: the payload of " + payload.length + " bytes for " + targetName
                    + " is over " + LambdaLimits.ASYNC_PAYLOAD_BYTES + " bytes, Lambda's limit for an asynchronous invocation");
        }
        Invocation invocation = queue(targetName, payload, eventId);
        if (duplicate.getAsBoolean()) {
            try {
                queue(targetName, payload, eventId);
            } catch (RejectedInvocationException full) {
                // a copy that finds the queue full is simply not delivered twice
            }
        }
        return invocation;
    }

    private Invocation queue(String targetName, byte[] payload, String eventId) {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), targetName, payload, eventId);
        listener.queued(invocation);
        unfinished.put(invocation.id(), new Unfinished(invocation, 1));
        if (stopped) {
            deadLetter(invocation, 0, INTERRUPTED);
            return invocation;
        }
        if (stopping) {
            return invocation; // not run now: stop dead-letters it as interrupted, for the next start
        }
        try {
            workers.execute(() -> attempt(invocation, 1));
        } catch (RejectedExecutionException e) {
            unfinished.remove(invocation.id());
            throw new RejectedInvocationException("herald local is busy: " + workers.getQueue().size()
                    + " invocations are waiting; retry in a moment");
        }
        return invocation;
    }

    /** Invokes a dead letter's target again with its payload, as a new invocation with fresh retries. */
    public Invocation redrive(DeadLetter letter) {
        return invoke(letter.target(), letter.payload().getBytes(java.nio.charset.StandardCharsets.UTF_8), letter.eventId());
    }

    private void attempt(Invocation invocation, int attempt) {
        if (stopping) {
            return; // left unfinished: stop dead-letters it as interrupted
        }
        Target target = targets.get(invocation.target());
        listener.started(invocation, attempt);
        byte[] response;
        long started = System.nanoTime();
        LongAdder[] counters = usage.computeIfAbsent(invocation.target(), t -> new LongAdder[] {new LongAdder(), new LongAdder()});
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Correlation.with(correlationId(invocation), () -> {
                try {
                    target.handler().handleRequest(new ByteArrayInputStream(invocation.payload()), out, null);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return null;
            });
            response = out.toByteArray();
            counters[0].increment();
            counters[1].add(System.nanoTime() - started);
        } catch (RuntimeException | Error e) {
            counters[0].increment();
            counters[1].add(System.nanoTime() - started);
            Correlation.with(correlationId(invocation), () -> {
                failed(invocation, attempt, describe(e));
                return null;
            });
            return;
        }
        listener.succeeded(invocation, attempt, response);
        if (target.onSuccess() != null) {
            byte[] record = destinationRecord(invocation, attempt, response);
            if (record.length > LambdaLimits.ASYNC_PAYLOAD_BYTES) {
                // Lambda drops such a record and only counts it in DestinationDeliveryFailures; kept in the DLQ here to be seen
                destinationDeliveryFailures.increment();
                deadLetter(invocation, attempt, "DestinationDeliveryFailure: the on-success record for " + target.onSuccess() + " is "
                        + record.length + " bytes, over Lambda's " + LambdaLimits.ASYNC_PAYLOAD_BYTES + "-byte limit; in AWS it is dropped and only "
                        + "the function's DestinationDeliveryFailures metric counts it");
                return;
            }
            try {
                invoke(target.onSuccess(), record, invocation.eventId());
            } catch (RuntimeException e) {
                // Lambda would retry delivering to the destination; treat it as a failed attempt of this invocation
                failed(invocation, attempt, "on-success destination " + target.onSuccess() + " refused the result: " + describe(e));
                return;
            }
        }
        unfinished.remove(invocation.id());
    }

    private void failed(Invocation invocation, int attempt, String error) {
        if (attempt < retries.maxAttempts()) {
            long delay = retries.delayAfter(attempt).toMillis();
            LOG.warn("{} attempt {} of {} failed, retrying in {} ms: {}", invocation.target(), attempt, retries.maxAttempts(), delay, error);
            listener.retrying(invocation, attempt, error, delay);
            unfinished.put(invocation.id(), new Unfinished(invocation, attempt + 1));
            if (stopping) {
                return; // the retry is for the next start
            }
            timer.schedule(() -> resubmit(invocation, attempt + 1), delay, TimeUnit.MILLISECONDS);
            return;
        }
        deadLetter(invocation, attempt, error);
    }

    private void deadLetter(Invocation invocation, int attempts, String error) {
        unfinished.remove(invocation.id());
        String id = UUID.randomUUID().toString();
        try {
            deadLetters.add(new DeadLetter(id, invocation.target(), invocation.eventId(), invocation.payloadText(), error, attempts, clock.instant()));
        } catch (RuntimeException e) {
            LOG.error("could not store dead letter for {} (event {}); it is lost: {}", invocation.target(), invocation.eventId(), e.toString());
        }
        if (error.equals(INTERRUPTED)) {
            LOG.info("{} (event {}) interrupted by the stop, kept in the DLQ as {}", invocation.target(), invocation.eventId(), id);
        } else {
            LOG.error("{} failed {} times, sent to the DLQ as {}: {}", invocation.target(), attempts, id, error);
        }
        listener.deadLettered(invocation, attempts, error, id);
    }

    private void resubmit(Invocation invocation, int attempt) {
        try {
            workers.execute(() -> attempt(invocation, attempt));
        } catch (RejectedExecutionException e) {
            if (!workers.isShutdown()) {
                failed(invocation, attempt, "throttled: the invocation queue was full");
            }
        }
    }

    /** What Lambda sends to an on-success destination; the processor reads {@code responsePayload}. */
    private byte[] destinationRecord(Invocation invocation, int attempt, byte[] response) {
        ObjectNode record = Json.object();
        record.put("version", "1.0");
        record.put("timestamp", Instant.now(clock).toString());
        ObjectNode context = record.putObject("requestContext");
        context.put("requestId", invocation.id());
        context.put("functionArn", "arn:aws:lambda:us-east-1:000000000000:function:" + invocation.target() + ":$LATEST");
        context.put("condition", "Success");
        context.put("approximateInvokeCount", attempt);
        record.set("requestPayload", parseOrText(invocation.payload()));
        record.putObject("responseContext").put("statusCode", 200).put("executedVersion", "$LATEST");
        record.set("responsePayload", parseOrText(response));
        return Json.writeBytes(record);
    }

    private static JsonNode parseOrText(byte[] bytes) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return Json.mapper().nullNode();
        }
        try {
            return Json.parse(text);
        } catch (RuntimeException e) {
            return Json.mapper().getNodeFactory().textNode(text);
        }
    }

    private static String correlationId(Invocation invocation) {
        return invocation.eventId() == null ? invocation.id() : invocation.eventId();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * Stops taking work: queued invocations and retries no longer start, and those running get {@code grace} to
     * finish. Every invocation not finished by then, including those invoked meanwhile, goes to the DLQ as
     * {@link #INTERRUPTED}. Returns how many did.
     */
    public int stop(Duration grace) {
        stopping = true;
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} invocation(s) still running after {} ms; they are kept in the DLQ too, and run again at the next start",
                        workers.getActiveCount(), grace.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped = true;
        List<Unfinished> left = List.copyOf(unfinished.values());
        left.forEach(u -> deadLetter(u.invocation(), u.attempt() - 1, INTERRUPTED));
        return left.size();
    }

    /** Per target, the attempts run so far and their handlers' time. */
    public Map<String, Usage> usage() {
        Map<String, Usage> copy = new java.util.TreeMap<>();
        usage.forEach((target, c) -> copy.put(target, new Usage(c[0].sum(), c[1].sum())));
        return copy;
    }

    /** On-success records over Lambda's limit, which Lambda would have dropped: its {@code DestinationDeliveryFailures}. */
    public long destinationDeliveryFailures() {
        return destinationDeliveryFailures.sum();
    }

    /** Invocations waiting, running or waiting for a retry; for tests and the UI. */
    public int inFlight() {
        return unfinished.size();
    }

    @Override
    public void close() {
        stop(STOP_GRACE);
    }
}
