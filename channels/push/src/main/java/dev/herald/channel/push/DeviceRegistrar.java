package dev.herald.channel.push;

import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.recipient.RecipientRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.GetEndpointAttributesResponse;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/**
 * Registers a recipient's device for push, following AWS's guidance for managing SNS platform endpoints:
 * <ol>
 *   <li>a device without an endpoint gets one ({@code CreatePlatformEndpoint}); if SNS answers that an endpoint with
 *       this token already exists with other attributes, that endpoint is adopted;</li>
 *   <li>then {@code GetEndpointAttributes}: an endpoint that no longer exists is created again; one whose token
 *       changed, or that SNS disabled, gets {@code SetEndpointAttributes} with the token and {@code Enabled=true};</li>
 *   <li>the device is stored with its endpoint ARN, enabled.</li>
 * </ol>
 * One endpoint belongs to one device of one recipient: when a token moves to another recipient (a phone signed in
 * to another account) or to another device id of the same recipient (an app reinstalled), the older device records
 * that point at the endpoint are removed, so nobody receives someone else's pushes or the same push twice.
 * Registering the same device and token again is cheap and changes nothing. Thread-safe.
 */
public final class DeviceRegistrar {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceRegistrar.class);
    private static final Pattern EXISTING_ENDPOINT = Pattern.compile(".*Endpoint (arn:aws[^:]*:sns:\\S+) already exists with the same [Tt]oken.*",
            Pattern.DOTALL);
    private static final String CUSTOM_USER_DATA = "CustomUserData";

    private final SnsClient sns;
    private final RecipientRepository recipients;
    private final Map<Platform, String> applicationArns;
    private final Clock clock;

    /** @param applicationArns the SNS platform application ARN of each platform Herald can push to */
    public DeviceRegistrar(SnsClient sns, RecipientRepository recipients, Map<Platform, String> applicationArns, Clock clock) {
        this.sns = sns;
        this.recipients = recipients;
        this.applicationArns = applicationArns.isEmpty() ? Map.of() : new EnumMap<>(applicationArns);
        this.clock = clock;
    }

    /** The platform application ARNs configured in the environment; platforms without one cannot register. */
    public static Map<Platform, String> applicationArns(HeraldConfig config) {
        Map<Platform, String> arns = new EnumMap<>(Platform.class);
        config.find(HeraldEnv.SNS_APNS_APPLICATION_ARN).ifPresent(arn -> arns.put(Platform.APNS, arn));
        config.find(HeraldEnv.SNS_APNS_SANDBOX_APPLICATION_ARN).ifPresent(arn -> arns.put(Platform.APNS_SANDBOX, arn));
        config.find(HeraldEnv.SNS_GCM_APPLICATION_ARN).ifPresent(arn -> arns.put(Platform.GCM, arn));
        return arns;
    }

    /**
     * Creates or refreshes the device's endpoint and stores the device, enabled. Throws
     * {@link DeviceRegistrationException} for a registration that can never succeed; SDK errors such as throttling
     * pass through, to be retried.
     */
    public Device register(String recipientId, String deviceId, Platform platform, String token) {
        require(recipientId, "recipientId");
        require(deviceId, "deviceId");
        require(token, "token");
        if (platform == null) {
            throw new DeviceRegistrationException("a device needs a platform: one of APNS, APNS_SANDBOX, GCM");
        }
        // before any change: a platform Herald cannot push to must not cost the device its current endpoint
        String application = applicationArns.get(platform);
        if (application == null) {
            throw new DeviceRegistrationException("no SNS platform application is configured for " + platform + "; set "
                    + variable(platform).variable() + " (" + variable(platform).meaning() + ")");
        }
        List<Device> devices = recipients.devices(recipientId);
        Optional<Device> known = devices.stream().filter(d -> d.deviceId().equals(deviceId)).findFirst();
        String endpointArn = known.filter(d -> d.platform() == platform).map(Device::endpointArn).orElse(null);
        known.filter(d -> d.platform() != platform && d.endpointArn() != null).ifPresent(d -> deleteQuietly(d.endpointArn()));

        boolean created = false;
        if (endpointArn == null) {
            endpointArn = create(recipientId, application, platform, token);
            created = true;
        }
        try {
            refresh(endpointArn, token, recipientId);
        } catch (NotFoundException deleted) {
            if (created) {
                throw deleted; // SNS lost an endpoint it just created: transient, let the caller retry
            }
            endpointArn = create(recipientId, application, platform, token);
            refresh(endpointArn, token, recipientId);
        }
        Device device = new Device(recipientId, deviceId, platform, token, endpointArn, true, clock.instant());
        recipients.putDevice(device);
        for (Device other : devices) {
            if (!other.deviceId().equals(deviceId) && endpointArn.equals(other.endpointArn())) {
                recipients.deleteDevice(recipientId, other.deviceId());
                LOG.info("removed device {} of recipient {}: device {} registered the same endpoint", other.deviceId(), recipientId, deviceId);
            }
        }
        return device;
    }

    /**
     * Deletes the device's SNS endpoint, then its record. A device that is not registered changes nothing (returns
     * false), so a repeated event is harmless. An endpoint that another recipient has since registered is left to
     * them. SDK errors such as throttling pass through, to be retried: {@code DeleteEndpoint} is idempotent, and the
     * record goes last so a retry still knows the endpoint.
     */
    public boolean unregister(String recipientId, String deviceId) {
        require(recipientId, "recipientId");
        require(deviceId, "deviceId");
        Optional<Device> known = recipients.devices(recipientId).stream().filter(d -> d.deviceId().equals(deviceId)).findFirst();
        if (known.isEmpty()) {
            return false;
        }
        remove(known.get());
        return true;
    }

    /**
     * Unregisters every device of a recipient ({@code Recipient Deleted}), each as {@link #unregister} does: its
     * endpoint, then its record. A recipient without devices changes nothing, so a repeat is harmless; after an SDK
     * error the devices not yet removed are still recorded, and the retry removes them.
     *
     * @return how many devices were removed
     */
    public int unregisterAll(String recipientId) {
        require(recipientId, "recipientId");
        List<Device> devices = recipients.devices(recipientId);
        devices.forEach(this::remove);
        return devices.size();
    }

    private void remove(Device device) {
        String endpointArn = device.endpointArn();
        if (endpointArn != null && ownedBy(endpointArn, device.recipientId())) {
            sns.deleteEndpoint(r -> r.endpointArn(endpointArn));
        }
        recipients.deleteDevice(device.recipientId(), device.deviceId());
    }

    /** SnapStart priming: the devices read every event starts with, of a recipient that does not exist; no SNS call. */
    void prime() {
        recipients.devices(SnapStartPriming.PRIMING_ID);
    }

    private boolean ownedBy(String endpointArn, String recipientId) {
        try {
            String owner = sns.getEndpointAttributes(r -> r.endpointArn(endpointArn)).attributes().get(CUSTOM_USER_DATA);
            if (owner != null && !owner.isBlank() && !owner.equals(recipientId)) {
                LOG.info("kept SNS endpoint {}: another recipient registered it since", endpointArn);
                return false;
            }
            return true;
        } catch (NotFoundException gone) {
            return false;
        }
    }

    private String create(String recipientId, String application, Platform platform, String token) {
        try {
            return sns.createPlatformEndpoint(r -> r.platformApplicationArn(application).token(token).customUserData(recipientId))
                    .endpointArn();
        } catch (InvalidParameterException e) {
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            Matcher existing = EXISTING_ENDPOINT.matcher(message == null ? "" : message);
            if (existing.matches()) {
                // the token already has an endpoint (e.g. registered before under other attributes): adopt it
                return existing.group(1);
            }
            throw new DeviceRegistrationException(platform + " token refused by SNS: " + message, e);
        }
    }

    private void refresh(String endpointArn, String token, String recipientId) {
        GetEndpointAttributesResponse current = sns.getEndpointAttributes(r -> r.endpointArn(endpointArn));
        Map<String, String> attributes = current.attributes();
        boolean tokenChanged = !token.equals(attributes.get("Token"));
        boolean disabled = !"true".equalsIgnoreCase(attributes.get("Enabled"));
        String owner = attributes.get(CUSTOM_USER_DATA);
        boolean ownerChanged = !recipientId.equals(owner);
        if (!tokenChanged && !disabled && !ownerChanged) {
            return;
        }
        if (owner != null && !owner.isBlank() && ownerChanged) {
            // before the endpoint names its new owner, or a retry after a crash would no longer know the previous one
            releaseFromPreviousOwner(endpointArn, owner);
        }
        try {
            sns.setEndpointAttributes(r -> r.endpointArn(endpointArn)
                    .attributes(Map.of("Token", token, "Enabled", "true", CUSTOM_USER_DATA, recipientId)));
        } catch (InvalidParameterException e) {
            throw new DeviceRegistrationException("SNS refused the device's token for endpoint " + endpointArn + ": "
                    + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()), e);
        }
        List<String> changes = new ArrayList<>();
        if (tokenChanged) {
            changes.add("new token");
        }
        if (disabled) {
            changes.add("re-enabled");
        }
        if (ownerChanged) {
            changes.add("new recipient");
        }
        LOG.info("refreshed SNS endpoint {} ({})", endpointArn, String.join(", ", changes));
    }

    /** The previous owner's devices on this endpoint stop receiving: the endpoint now reaches someone else. */
    private void releaseFromPreviousOwner(String endpointArn, String previousOwner) {
        for (Device device : recipients.devices(previousOwner)) {
            if (endpointArn.equals(device.endpointArn())) {
                recipients.deleteDevice(previousOwner, device.deviceId());
                LOG.info("removed device {} of recipient {}: its SNS endpoint was registered by another recipient", device.deviceId(), previousOwner);
            }
        }
    }

    private void deleteQuietly(String endpointArn) {
        try {
            sns.deleteEndpoint(r -> r.endpointArn(endpointArn));
        } catch (RuntimeException e) {
            LOG.warn("could not delete the old SNS endpoint {} of a device that changed platform: {}", endpointArn, e.toString());
        }
    }

    private static HeraldEnv variable(Platform platform) {
        return switch (platform) {
            case APNS -> HeraldEnv.SNS_APNS_APPLICATION_ARN;
            case APNS_SANDBOX -> HeraldEnv.SNS_APNS_SANDBOX_APPLICATION_ARN;
            case GCM -> HeraldEnv.SNS_GCM_APPLICATION_ARN;
        };
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new DeviceRegistrationException("a device registration needs a non-empty " + name);
        }
    }
}
