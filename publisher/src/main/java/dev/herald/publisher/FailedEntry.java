package dev.herald.publisher;

/** An entry EventBridge refused for good, after every retry, with EventBridge's error code and message. */
public record FailedEntry(Notification notification, String errorCode, String errorMessage) {
}
