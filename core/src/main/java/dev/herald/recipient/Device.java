package dev.herald.recipient;

import java.time.Instant;

/** A recipient's device for push, with its SNS platform endpoint once Herald has created one. */
public record Device(String recipientId, String deviceId, Platform platform, String token, String endpointArn,
                     boolean enabled, Instant updatedAt) {

    public Device withEndpoint(String endpointArn, boolean enabled, Instant now) {
        return new Device(recipientId, deviceId, platform, token, endpointArn, enabled, now);
    }
}
