package dev.herald.processor;

import dev.herald.catalog.Channel;
import dev.herald.dispatch.ResolvedRecipient;

/**
 * One routing decision: a recipient on a channel, either to send ({@code reason == null}) or recorded as SKIPPED
 * with the reason.
 */
record Route(ResolvedRecipient recipient, Channel channel, String reason) {

    static Route send(ResolvedRecipient recipient, Channel channel) {
        return new Route(recipient, channel, null);
    }

    static Route skip(ResolvedRecipient recipient, Channel channel, String reason) {
        return new Route(recipient, channel, reason);
    }

    boolean sends() {
        return reason == null;
    }
}
