package dev.herald.observability;

import org.slf4j.MDC;

/**
 * The correlation id (the event id) on every log line written while a piece of work runs. Powertools' JSON layout
 * prints the {@code correlation_id} MDC key as a top-level field.
 */
public final class Correlation {

    public static final String KEY = "correlation_id";

    private Correlation() {
    }

    /** Runs {@code work} with {@code correlationId} on every log line it writes, restoring what was there before. */
    public static <T> T with(String correlationId, java.util.function.Supplier<T> work) {
        String previous = MDC.get(KEY);
        MDC.put(KEY, correlationId);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                MDC.remove(KEY);
            } else {
                MDC.put(KEY, previous);
            }
        }
    }
}
