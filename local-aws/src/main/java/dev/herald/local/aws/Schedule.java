package dev.herald.local.aws;

import java.time.Instant;

/**
 * One EventBridge Scheduler schedule as herald local keeps it: what {@code CreateSchedule} was given, the instant its
 * {@code at()} expression names, and how far its delivery has got. Immutable; each change is a new version, so that a
 * {@link ScheduleStore} can refuse a change made from a stale copy (two runners never fire one schedule twice).
 *
 * @param dueAt         the instant {@code at()} names in {@code timezone}
 * @param attempts      sends tried so far
 * @param nextAttemptAt when the next send is due: {@code dueAt}, then later after each failed send
 * @param leaseUntil    a runner has claimed the schedule until then; null when none has
 * @param completed     fired (or given up on) and kept because {@code actionAfterCompletion} is NONE: never fires again
 * @param version       bumped by every change
 */
public record Schedule(String name, String groupName, String expression, String timezone, Instant dueAt, String state,
                       String actionAfterCompletion, String description, String flexibleMode, Integer flexibleWindowMinutes,
                       Target target, String clientToken, Instant createdAt, Instant modifiedAt,
                       int attempts, Instant nextAttemptAt, Instant leaseUntil, boolean completed, String lastError, long version) {

    /** AWS's defaults when a target has no {@code RetryPolicy}: 185 retries within 24 hours. */
    public static final int DEFAULT_RETRY_ATTEMPTS = 185;
    public static final int DEFAULT_EVENT_AGE_SECONDS = 86_400;

    /**
     * A schedule's target: an SQS queue herald local sends {@code input} to.
     *
     * @param maximumRetryAttempts     null for AWS's default, {@link #DEFAULT_RETRY_ATTEMPTS}
     * @param maximumEventAgeInSeconds null for AWS's default, {@link #DEFAULT_EVENT_AGE_SECONDS}
     * @param deadLetterArn            the SQS queue failed events go to, or null
     */
    public record Target(String arn, String roleArn, String input, Integer maximumRetryAttempts, Integer maximumEventAgeInSeconds,
                         String deadLetterArn) {

        public int retryAttempts() {
            return maximumRetryAttempts == null ? DEFAULT_RETRY_ATTEMPTS : maximumRetryAttempts;
        }

        public int eventAgeSeconds() {
            return maximumEventAgeInSeconds == null ? DEFAULT_EVENT_AGE_SECONDS : maximumEventAgeInSeconds;
        }
    }

    public String arn() {
        return "arn:aws:scheduler:" + LocalQueues.REGION + ":" + LocalQueues.ACCOUNT + ":schedule/" + groupName + "/" + name;
    }

    public boolean enabled() {
        return "ENABLED".equals(state);
    }

    /** Whether a runner may fire it at {@code now}: enabled, not completed, its next send due and no live claim on it. */
    public boolean dueAt(Instant now) {
        return enabled() && !completed && !nextAttemptAt.isAfter(now) && (leaseUntil == null || !leaseUntil.isAfter(now));
    }

    Schedule claimed(Instant until) {
        return new Schedule(name, groupName, expression, timezone, dueAt, state, actionAfterCompletion, description, flexibleMode,
                flexibleWindowMinutes, target, clientToken, createdAt, modifiedAt, attempts, nextAttemptAt, until, completed, lastError,
                version + 1);
    }

    Schedule failed(Instant retryAt, String error) {
        return new Schedule(name, groupName, expression, timezone, dueAt, state, actionAfterCompletion, description, flexibleMode,
                flexibleWindowMinutes, target, clientToken, createdAt, modifiedAt, attempts + 1, retryAt, null, completed, error,
                version + 1);
    }

    Schedule finished(String error) {
        return new Schedule(name, groupName, expression, timezone, dueAt, state, actionAfterCompletion, description, flexibleMode,
                flexibleWindowMinutes, target, clientToken, createdAt, modifiedAt, attempts + 1, nextAttemptAt, null, true, error,
                version + 1);
    }
}
