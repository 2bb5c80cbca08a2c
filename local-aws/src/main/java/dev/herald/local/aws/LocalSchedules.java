package dev.herald.local.aws;

import dev.herald.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * herald local's EventBridge Scheduler: the schedules {@link SchedulerApi} created, and the runner that fires them.
 * A due schedule sends its target's {@code Input} to the SQS queue its target ARN names; a send that fails is retried
 * with exponential backoff within the target's {@code RetryPolicy} (AWS's defaults, 185 retries within 24 hours, when
 * it has none), after which the input goes to the target's dead-letter queue, if any, with the attributes AWS puts on
 * it. Then {@code ActionAfterCompletion} applies: DELETE removes the schedule, NONE keeps it, never to fire again.
 * <p>
 * Each firing is claimed first with a conditional write on the schedule's version, so {@link #runDue} calls that
 * overlap (two threads, or two herald locals on one DynamoDB table) fire each schedule once. A claim lapses after
 * {@link #LEASE}, so a schedule claimed by a runner that died is fired by the next one. Thread-safe.
 */
public final class LocalSchedules implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSchedules.class);

    /** How long a runner's claim on a schedule holds; longer than any send takes. */
    static final Duration LEASE = Duration.ofMinutes(1);
    /** The longest wait between two sends of one event. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /** Sends a message body to a queue by name; throws when the queue does not take it. */
    @FunctionalInterface
    public interface Sender {
        void send(String queueName, String body, Map<String, String> attributes);
    }

    /** A schedule as a status page shows it. */
    public record Due(String name, String groupName, String expression, Instant dueAt, String state, String targetArn,
                      int attempts, Instant nextAttemptAt, boolean completed, String lastError) {
    }

    private final ScheduleStore store;
    private final Sender sender;
    private final Duration retryBase;
    private ScheduledExecutorService runner;

    /** Schedules in {@code store}, delivered to {@code queues}; retries back off from one second. */
    public LocalSchedules(LocalQueues queues, ScheduleStore store) {
        this(queues::send, store, Duration.ofSeconds(1));
    }

    /** @param retryBase the wait after a first failed send, doubled after each further one (at most {@link #MAX_BACKOFF}) */
    public LocalSchedules(Sender sender, ScheduleStore store, Duration retryBase) {
        this.store = store;
        this.sender = sender;
        this.retryBase = retryBase;
    }

    public ScheduleStore store() {
        return store;
    }

    /** Every schedule with its due time and delivery state, in name order. */
    public List<Due> list() {
        return store.all().stream().map(s -> new Due(s.name(), s.groupName(), s.expression(), s.dueAt(), s.state(), s.target().arn(),
                s.attempts(), s.nextAttemptAt(), s.completed(), s.lastError())).toList();
    }

    /**
     * Fires every enabled schedule whose next send is due at {@code now}: its first send at its {@code at()} time, a
     * retry after its backoff. Returns how many sends this call made (each schedule's at most once).
     */
    public int runDue(Instant now) {
        int sent = 0;
        for (Schedule schedule : store.all()) {
            if (!schedule.dueAt(now)) {
                continue;
            }
            Schedule claimed = schedule.claimed(now.plus(LEASE));
            if (!store.replace(schedule, claimed)) {
                continue; // another runner claimed it, or an API call changed it since it was read
            }
            fire(claimed, now);
            sent++;
        }
        return sent;
    }

    private void fire(Schedule schedule, Instant now) {
        Schedule.Target target = schedule.target();
        String body = target.input() != null ? target.input() : defaultNotification(schedule);
        try {
            sender.send(queueName(target.arn()), body, Map.of());
            complete(schedule, null);
        } catch (RuntimeException e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            Instant expires = schedule.dueAt().plusSeconds(target.eventAgeSeconds());
            Instant retryAt = now.plus(backoff(schedule.attempts()));
            if (schedule.attempts() >= target.retryAttempts()) {
                giveUp(schedule, body, error, "MaximumRetryAttemptsExhausted");
            } else if (retryAt.isAfter(expires)) {
                giveUp(schedule, body, error, "MaximumEventAgeExhausted");
            } else {
                LOG.debug("schedule {} send {} failed, retrying at {}: {}", schedule.name(), schedule.attempts() + 1, retryAt, error);
                store.replace(schedule, schedule.failed(retryAt, error));
            }
        }
    }

    private void giveUp(Schedule schedule, String body, String error, String condition) {
        Schedule.Target target = schedule.target();
        if (target.deadLetterArn() != null) {
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("ERROR_CODE", "TargetError");
            attributes.put("ERROR_MESSAGE", error.length() > 1000 ? error.substring(0, 1000) : error);
            attributes.put("EXHAUSTED_RETRY_CONDITION", condition);
            attributes.put("RETRY_ATTEMPTS", Integer.toString(schedule.attempts()));
            attributes.put("SCHEDULE_ARN", schedule.arn());
            attributes.put("TARGET_ARN", target.arn());
            try {
                sender.send(queueName(target.deadLetterArn()), body, attributes);
            } catch (RuntimeException e) {
                // AWS drops an event its dead-letter queue does not take; so does herald local, saying so
                LOG.warn("schedule {}: dead-letter queue {} refused the failed event: {}", schedule.name(), target.deadLetterArn(),
                        e.getMessage());
            }
        } else {
            LOG.warn("schedule {}: gave up after {} sends ({}), and it has no dead-letter queue: {}", schedule.name(),
                    schedule.attempts() + 1, condition, error);
        }
        complete(schedule, error);
    }

    private void complete(Schedule schedule, String error) {
        if ("DELETE".equals(schedule.actionAfterCompletion())) {
            store.remove(schedule);
        } else {
            store.replace(schedule, schedule.finished(error));
        }
    }

    private Duration backoff(int failedBefore) {
        if (retryBase.isZero()) {
            return Duration.ZERO;
        }
        Duration wait = retryBase.multipliedBy(1L << Math.min(failedBefore, 20));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /** What AWS sends a target when its schedule has no {@code Input}: here, the schedule's ARN and time. */
    private static String defaultNotification(Schedule schedule) {
        return Json.write(Map.of("scheduleArn", schedule.arn(), "scheduledTime", schedule.dueAt().toString()));
    }

    /** The queue an SQS ARN names; a queue of another account or region is one herald local does not hold. */
    static String queueName(String sqsArn) {
        String prefix = "arn:aws:sqs:" + LocalQueues.REGION + ":" + LocalQueues.ACCOUNT + ":";
        return sqsArn.startsWith(prefix) ? sqsArn.substring(prefix.length()) : "(not herald local's) " + sqsArn;
    }

    /** Runs {@link #runDue} at {@code clock}'s time every {@code tick} on a daemon thread, until {@link #close}. */
    public synchronized void start(Clock clock, Duration tick) {
        if (runner != null) {
            throw new IllegalStateException("the schedule runner is already started");
        }
        runner = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "herald-local-schedules");
            thread.setDaemon(true);
            return thread;
        });
        runner.scheduleWithFixedDelay(() -> {
            try {
                runDue(clock.instant());
            } catch (RuntimeException e) {
                LOG.warn("the schedule runner failed; it tries again next tick", e);
            }
        }, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (runner != null) {
            runner.shutdownNow();
            try {
                runner.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            runner = null;
        }
    }
}
