package dev.herald.channel.push;

/**
 * A device that cannot be registered as given: no platform application configured for its platform, or a token the
 * platform rejects. Permanent: retrying the same registration fails the same way.
 */
public final class DeviceRegistrationException extends RuntimeException {

    public DeviceRegistrationException(String message) {
        super(message);
    }

    public DeviceRegistrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
