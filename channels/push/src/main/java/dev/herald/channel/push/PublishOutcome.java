package dev.herald.channel.push;

/** What happened to one SNS Publish to a device's endpoint. */
public enum PublishOutcome {
    /** SNS accepted the message for the endpoint. */
    SENT,
    /** The endpoint is disabled or no longer exists: the device must be re-registered. Permanent. */
    ENDPOINT_DISABLED,
    /** SNS refused the message itself (invalid parameter). Permanent. */
    REJECTED,
    /** SNS is busy: the push goes back to the queue for later. */
    THROTTLED,
    /** A 5xx, a timeout or a network error: worth retrying later. */
    TRANSIENT
}
