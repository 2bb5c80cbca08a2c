package dev.herald.observability;

import dev.herald.catalog.Channel;

/**
 * Counts of notifications by outcome and channel. In Lambda these become CloudWatch EMF metrics; herald local keeps
 * them in memory for the dev UI. Implementations are thread-safe.
 */
public interface NotificationMetrics {

    enum Outcome {
        ROUTED("NotificationsRouted"),
        DELIVERED("NotificationsDelivered"),
        SKIPPED("NotificationsSkipped"),
        FAILED("NotificationsFailed");

        private final String metricName;

        Outcome(String metricName) {
            this.metricName = metricName;
        }

        public String metricName() {
            return metricName;
        }
    }

    void count(Outcome outcome, Channel channel, int count);

    /** Writes out what was counted since the last flush; called once at the end of each invocation. */
    void flush();

    /** Discards everything; for code paths (and tests) that do not report metrics. */
    NotificationMetrics NONE = new NotificationMetrics() {
        @Override
        public void count(Outcome outcome, Channel channel, int count) {
        }

        @Override
        public void flush() {
        }
    };
}
