package dev.herald.dispatch;

import java.util.ArrayList;
import java.util.List;

/**
 * What a channel did with one dispatch; counts by outcome, for logs, metrics and tests, and the recipients whose
 * send was held back by throttling, which go back to the queue for later.
 */
public record DispatchResult(int sent, int waiting, int skipped, int failed, int alreadyHandled, List<DispatchRecipient> throttled) {

    public static final DispatchResult NONE = new DispatchResult(0, 0, 0, 0, 0);

    public DispatchResult {
        throttled = List.copyOf(throttled);
    }

    /** A result with nothing throttled. */
    public DispatchResult(int sent, int waiting, int skipped, int failed, int alreadyHandled) {
        this(sent, waiting, skipped, failed, alreadyHandled, List.of());
    }

    public DispatchResult plus(DispatchResult other) {
        List<DispatchRecipient> bothThrottled = new ArrayList<>(throttled);
        bothThrottled.addAll(other.throttled);
        return new DispatchResult(sent + other.sent, waiting + other.waiting, skipped + other.skipped, failed + other.failed,
                alreadyHandled + other.alreadyHandled, bothThrottled);
    }
}
