package dev.herald.local.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import dev.herald.observability.Correlation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invokes targets the way Lambda runs an asynchronous invocation: queued, run by a bounded pool of workers, retried
 * per the {@link RetryPolicy} when the handler throws, and dead-lettered when every attempt failed. A target with an
 * on-success destination gets Lambda's destination record. A handler's exception never escapes into the runtime.
 */
public final class AsyncInvoker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncInvoker.class);

    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final RetryPolicy retries;
    private final DeadLetterQueue deadLetters;
    private final InvocationListener listener;
    private final Clock clock;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;
    private final AtomicInteger waitingForRetry = new AtomicInteger();

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

    public boolean has(String targetName) {
        return targets.containsKey(targetName);
    }

    /** Queues an invocation and returns at once; throws {@link RejectedInvocationException} when the queue is full. */
    public Invocation invoke(String targetName, byte[] payload, String eventId) {
        if (!targets.containsKey(targetName)) {
            throw new IllegalArgumentException("no function '" + targetName + "' in herald local; known: " + targets.keySet());
        }
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), targetName, payload, eventId);
        listener.queued(invocation);
        try {
            workers.execute(() -> attempt(invocation, 1));
        } catch (RejectedExecutionException e) {
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
        Target target = targets.get(invocation.target());
        listener.started(invocation, attempt);
        byte[] response;
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
        } catch (RuntimeException | Error e) {
            Correlation.with(correlationId(invocation), () -> {
                failed(invocation, attempt, describe(e));
                return null;
            });
            return;
        }
        listener.succeeded(invocation, attempt, response);
        if (target.onSuccess() != null) {
            try {
                invoke(target.onSuccess(), destinationRecord(invocation, attempt, response), invocation.eventId());
            } catch (RuntimeException e) {
                // Lambda would retry delivering to the destination; treat it as a failed attempt of this invocation
                failed(invocation, attempt, "on-success destination " + target.onSuccess() + " refused the result: " + describe(e));
            }
        }
    }

    private void failed(Invocation invocation, int attempt, String error) {
        if (attempt < retries.maxAttempts()) {
            long delay = retries.delayAfter(attempt).toMillis();
            LOG.warn("{} attempt {} of {} failed, retrying in {} ms: {}", invocation.target(), attempt, retries.maxAttempts(), delay, error);
            listener.retrying(invocation, attempt, error, delay);
            waitingForRetry.incrementAndGet();
            timer.schedule(() -> {
                waitingForRetry.decrementAndGet();
                resubmit(invocation, attempt + 1);
            }, delay, TimeUnit.MILLISECONDS);
            return;
        }
        String id = UUID.randomUUID().toString();
        try {
            deadLetters.add(new DeadLetter(id, invocation.target(), invocation.eventId(), invocation.payloadText(), error, attempt, clock.instant()));
        } catch (RuntimeException e) {
            LOG.error("could not store dead letter for {} (event {}); it is lost: {}", invocation.target(), invocation.eventId(), e.toString());
        }
        LOG.error("{} failed {} times, sent to the DLQ as {}: {}", invocation.target(), attempt, id, error);
        listener.deadLettered(invocation, attempt, error, id);
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

    /** Invocations waiting, running or waiting for a retry; for tests and the UI. */
    public int inFlight() {
        return workers.getQueue().size() + workers.getActiveCount() + waitingForRetry.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(3, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
