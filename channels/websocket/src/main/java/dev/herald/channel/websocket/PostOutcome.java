package dev.herald.channel.websocket;

/** What happened to one PostToConnection. */
public enum PostOutcome {
    /** API Gateway accepted the frame for the connection. */
    DELIVERED,
    /** 410: the connection is gone; its record should be deleted. */
    GONE,
    /** 413: API Gateway refused the frame as too large; no connection will take it. */
    TOO_LARGE,
    /** 429: API Gateway's account throttle; the frame goes back to the queue for later. */
    THROTTLED,
    /** A 5xx, a timeout or a network error: worth retrying later. */
    TRANSIENT
}
