package dev.herald.channel.push;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventEnvelope;
import dev.herald.event.InvalidEventException;
import dev.herald.lambda.JsonHandler;
import dev.herald.lambda.Wiring;
import dev.herald.recipient.Device;
import dev.herald.recipient.ManagementEvents;
import dev.herald.recipient.Platform;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Registers and unregisters recipients' push devices from the management events apps publish
 * ({@code Device Registered}, {@code Device Unregistered}), through {@link DeviceRegistrar}; and on
 * {@code Recipient Deleted}, which the recipients function gets too, unregisters every device of the recipient, SNS
 * endpoints included (the recipients function deletes everything else and leaves devices to this one).
 *
 * <p>An invalid event (a missing field, an unknown platform, a platform without an SNS platform application, a
 * token SNS refuses) is refused with a clear message, logged and returned, and not retried: it can never be right on
 * a retry. Throttling, 5xx and network errors from SNS or DynamoDB pass through, so Lambda retries the event and,
 * after its retries, sends it to the function's failure queue.
 */
public final class DeviceEventsHandler extends JsonHandler<EventEnvelope, DeviceEventsHandler.Result> {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceEventsHandler.class);
    private static final String PLATFORMS = Arrays.stream(Platform.values()).map(Platform::name).collect(Collectors.joining(", "));

    /** What happened to one device event: {@code applied}, or refused with the reason. */
    public record Result(String eventId, String detailType, boolean applied, String error) {
    }

    private final DeviceRegistrar registrar;

    /** Lambda entry point: everything from the environment. */
    public DeviceEventsHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public DeviceEventsHandler(Wiring wiring) {
        this(new DeviceRegistrar(wiring.client(SnsClient.builder()), wiring.recipients(),
                DeviceRegistrar.applicationArns(wiring.config()), wiring.clock()));
    }

    /** Everything given: for tests and herald local. */
    public DeviceEventsHandler(DeviceRegistrar registrar) {
        super(EventEnvelope.class);
        this.registrar = registrar;
    }

    @Override
    protected void prime() {
        super.prime();
        registrar.prime();
    }

    @Override
    public Result handle(EventEnvelope event) {
        try {
            JsonNode d = event.validate().detail();
            switch (event.detailType()) {
                case ManagementEvents.DEVICE_REGISTERED -> {
                    Device device = registrar.register(ManagementEvents.requireId(d, "recipientId"), ManagementEvents.requireId(d, "deviceId"),
                            platform(d), token(d));
                    LOG.info("applied {}: device {} of recipient {} on {}", event.detailType(), device.deviceId(), device.recipientId(),
                            device.platform());
                }
                case ManagementEvents.DEVICE_UNREGISTERED -> {
                    String recipientId = ManagementEvents.requireId(d, "recipientId");
                    String deviceId = ManagementEvents.requireId(d, "deviceId");
                    boolean removed = registrar.unregister(recipientId, deviceId);
                    LOG.info("applied {}: device {} of recipient {} {}", event.detailType(), deviceId, recipientId,
                            removed ? "removed with its SNS endpoint" : "was not registered; nothing to remove");
                }
                case ManagementEvents.RECIPIENT_DELETED -> {
                    String recipientId = ManagementEvents.requireId(d, "recipientId");
                    int removed = registrar.unregisterAll(recipientId);
                    LOG.info("applied {}: {} device(s) of recipient {} removed with their SNS endpoints", event.detailType(), removed, recipientId);
                }
                default -> throw new IllegalArgumentException("'" + event.detailType() + "' is not a device management event; expected one of "
                        + String.join(", ", ManagementEvents.DEVICE_EVENTS));
            }
            return new Result(event.id(), event.detailType(), true, null);
        } catch (IllegalArgumentException | InvalidEventException | DeviceRegistrationException e) {
            LOG.warn("refused {}: {}", event.detailType(), e.getMessage());
            return new Result(event.id(), event.detailType(), false, event.detailType() + ": " + e.getMessage());
        }
    }

    private static Platform platform(JsonNode d) {
        JsonNode value = d.path("platform");
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("detail.platform is required: one of " + PLATFORMS);
        }
        String name = value.asText().strip();
        return Arrays.stream(Platform.values()).filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("detail.platform '" + name + "' is not one of " + PLATFORMS
                        + " (Firebase Cloud Messaging is GCM; the APNs development environment is APNS_SANDBOX)"));
    }

    /** The token itself never appears in a message: it addresses a device. */
    private static String token(JsonNode d) {
        JsonNode value = d.path("token");
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("detail.token is required: the device token the app got from APNs or FCM, as a string");
        }
        return value.asText().strip();
    }

    @Override
    protected String correlationId(EventEnvelope request) {
        return request.id();
    }
}
