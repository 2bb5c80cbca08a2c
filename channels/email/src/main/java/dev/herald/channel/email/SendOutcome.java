package dev.herald.channel.email;

/** What SES did with one email. */
public sealed interface SendOutcome {

    /** Accepted; SES's message id ties later bounce or complaint events to it. */
    record Sent(String messageId) implements SendOutcome {
    }

    /** Refused for good (MessageRejected, an invalid address): retrying sends nothing. */
    record Rejected(String error) implements SendOutcome {
    }

    /** SES is busy (the account's maximum send rate): sent back to the queue for later, never a failure. */
    record Throttled(String error) implements SendOutcome {
    }

    /** A 5xx, a timeout or a configuration SES may accept later: a retry may succeed. */
    record Transient(String error) implements SendOutcome {
    }
}
