package dev.herald.recipient;

/** Push platforms, named as SNS names them in a {@code MessageStructure=json} message. */
public enum Platform {
    APNS,
    APNS_SANDBOX,
    GCM
}
