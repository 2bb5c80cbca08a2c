package dev.herald.processor.due;

import dev.herald.config.HeraldEnv;
import dev.herald.json.Json;
import dev.herald.lambda.Wiring;
import dev.herald.queue.MessageSender;
import dev.herald.schedule.WakeUp;
import dev.herald.schedule.Waker;
import dev.herald.schedule.Waits;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;

/**
 * Wakes Herald through the due queue. A wake-up that is due already goes straight to the queue. A later one becomes an
 * EventBridge Scheduler one-time schedule ({@code at(...)}, a second after its due time so that it never arrives
 * early) whose target is the due queue: it retries by its own policy, puts what it cannot deliver in the scheduler
 * DLQ, and deletes itself after it ran. Its name is derived from the wake-up, so scheduling the same wake-up twice
 * creates one schedule (the second call meets {@code ConflictException}).
 *
 * <p>Why Scheduler rather than SQS message delays: a delay holds a message at most 15 minutes, so a day's wait would
 * take 96 re-sends, and herald local's driven clock could not move them. One schedule per wait costs one invocation.
 */
public final class ScheduledWaker implements Waker {

    /** EventBridge Scheduler's {@code at()} format: a local date-time, to the second, in the expression's time zone. */
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    /** How often Scheduler tries to deliver, and for how long: its maximums, so that a wake-up outlives an outage. */
    private static final int RETRY_ATTEMPTS = 185;
    private static final int MAX_EVENT_AGE_SECONDS = 86_400;

    /** Where schedules send their wake-up, and as whom. */
    public record Target(String queueArn, String roleArn, String deadLetterArn, String group) {
    }

    private final MessageSender dueQueue;
    private final SchedulerClient scheduler;
    private final Target target;
    private final Clock clock;

    public ScheduledWaker(MessageSender dueQueue, SchedulerClient scheduler, Target target, Clock clock) {
        this.dueQueue = dueQueue;
        this.scheduler = scheduler;
        this.target = target;
        this.clock = clock;
    }

    /** From the function's environment: the due queue, and Scheduler with its target, role, DLQ and group. */
    public static ScheduledWaker of(Wiring wiring) {
        var config = wiring.config();
        return new ScheduledWaker(wiring.queue(HeraldEnv.DUE_QUEUE_URL), wiring.client(SchedulerClient.builder()),
                new Target(config.require(HeraldEnv.DUE_QUEUE_ARN), config.require(HeraldEnv.SCHEDULER_ROLE_ARN),
                        config.require(HeraldEnv.SCHEDULER_DLQ_ARN), config.find(HeraldEnv.SCHEDULE_GROUP).orElse("default")),
                wiring.clock());
    }

    @Override
    public void wake(WakeUp wakeUp) {
        String body = Json.write(wakeUp);
        if (wakeUp.due() == null || !wakeUp.due().isAfter(clock.instant())) {
            dueQueue.sendAll(List.of(body));
            return;
        }
        try {
            scheduler.createSchedule(r -> r.name(name(wakeUp)).groupName(target.group())
                    .scheduleExpression("at(" + AT.format(wakeUp.due().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1)) + ")")
                    .scheduleExpressionTimezone("UTC")
                    .flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.OFF))
                    .actionAfterCompletion(ActionAfterCompletion.DELETE)
                    .description("Herald wake-up for " + wakeUp.kind() + " " + wakeUp.pk())
                    .target(t -> t.arn(target.queueArn()).roleArn(target.roleArn()).input(body)
                            .retryPolicy(p -> p.maximumRetryAttempts(RETRY_ATTEMPTS).maximumEventAgeInSeconds(MAX_EVENT_AGE_SECONDS))
                            .deadLetterConfig(d -> d.arn(target.deadLetterArn()))));
        } catch (ConflictException scheduledAlready) {
            // the same wake-up was scheduled by an earlier attempt: one schedule is enough
        }
    }

    /** A schedule's name: at most 64 of {@code [0-9a-zA-Z-_.]}, the same for the same wake-up. */
    static String name(WakeUp wakeUp) {
        return "herald-" + wakeUp.kind().name().toLowerCase(Locale.ROOT) + "-" + Waits.hash(wakeUp.pk() + "\n" + wakeUp.sk() + "\n" + wakeUp.due());
    }
}
