package dev.herald.dispatch;

/**
 * A channel could not reach some recipients because of transient errors (throttling, a 5xx, a timeout). Their
 * deliveries were returned to PENDING before this was thrown; Lambda (or herald local) retries the dispatch, and the
 * retry sends only to them, since every other recipient's delivery is no longer PENDING.
 */
public final class TransientDispatchException extends RuntimeException {

    private final DispatchResult partial;

    public TransientDispatchException(String message, DispatchResult partial) {
        super(message);
        this.partial = partial;
    }

    /** What the channel did with the recipients it could handle before giving up on the rest. */
    public DispatchResult partial() {
        return partial;
    }
}
