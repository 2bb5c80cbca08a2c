package dev.herald.observability;

/**
 * Counts notifications Herald refused because it cannot carry them (e.g. a topic too large for one hand-off), as
 * opposed to bad input: an operator must act on these, so they are alarmed. Implementations are thread-safe.
 */
public interface RefusalMetrics {

    /** The metric's name in the {@code Herald} namespace. */
    String METRIC_NAME = "NotificationsRefused";

    /** One notification refused; written out at once, since a refusal ends the invocation. */
    void refused();

    /** Discards everything; for code paths (and tests) that do not report metrics. */
    RefusalMetrics NONE = () -> {
    };
}
