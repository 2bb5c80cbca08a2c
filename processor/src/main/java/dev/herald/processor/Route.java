package dev.herald.processor;

import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryReason;
import dev.herald.dispatch.ResolvedRecipient;
import java.time.Instant;

/**
 * One routing decision: a recipient on a channel, either to send ({@code reason == null}), to send later
 * ({@code dueAt} set, {@code waitReason} saying why), or recorded as SKIPPED with the reason.
 */
record Route(ResolvedRecipient recipient, Channel channel, String reason, Instant dueAt, String waitReason, Instant notBefore) {

    static Route send(ResolvedRecipient recipient, Channel channel) {
        return new Route(recipient, channel, null, null, null, null);
    }

    /** Sent at {@code dueAt}, SCHEDULED until then for {@code waitReason} (delayed, escalation). */
    static Route later(ResolvedRecipient recipient, Channel channel, Instant dueAt, String waitReason) {
        return new Route(recipient, channel, null, dueAt, waitReason, null);
    }

    /** Held by quiet hours until {@code dueAt}, and, whatever they become, not before {@code notBefore}. */
    static Route deferred(ResolvedRecipient recipient, Channel channel, Instant dueAt, Instant notBefore) {
        return new Route(recipient, channel, null, dueAt, DeliveryReason.QUIET_HOURS, notBefore);
    }

    static Route skip(ResolvedRecipient recipient, Channel channel, String reason) {
        return new Route(recipient, channel, reason, null, null, null);
    }

    boolean sends() {
        return reason == null;
    }

    boolean waits() {
        return dueAt != null;
    }

    /** The same decision, withdrawn before it was sent (e.g. cancelled). */
    Route skipped(String why) {
        return skip(recipient, channel, why);
    }
}
