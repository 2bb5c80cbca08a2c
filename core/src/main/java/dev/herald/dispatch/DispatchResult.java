package dev.herald.dispatch;

/** What a channel did with one dispatch; counts by outcome, for logs, metrics and tests. */
public record DispatchResult(int sent, int waiting, int skipped, int failed, int alreadyHandled) {

    public static final DispatchResult NONE = new DispatchResult(0, 0, 0, 0, 0);

    public DispatchResult plus(DispatchResult other) {
        return new DispatchResult(sent + other.sent, waiting + other.waiting, skipped + other.skipped, failed + other.failed,
                alreadyHandled + other.alreadyHandled);
    }
}
