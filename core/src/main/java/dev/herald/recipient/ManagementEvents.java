package dev.herald.recipient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The events apps publish to maintain Herald's recipient data. Their detail-types and rule patterns are defined
 * here once, for the CDK rules and the local bus alike. Detail schemas are in the README.
 */
public final class ManagementEvents {

    public static final String RECIPIENT_UPSERTED = "Recipient Upserted";
    public static final String RECIPIENT_DELETED = "Recipient Deleted";
    public static final String RECIPIENT_RESUBSCRIBED = "Recipient Resubscribed";
    public static final String TOPIC_SUBSCRIBED = "Topic Subscribed";
    public static final String TOPIC_UNSUBSCRIBED = "Topic Unsubscribed";
    public static final String DEVICE_REGISTERED = "Device Registered";
    public static final String DEVICE_UNREGISTERED = "Device Unregistered";

    /** Handled by the recipients handler (enrichment module). */
    public static final List<String> RECIPIENT_EVENTS = List.of(RECIPIENT_UPSERTED, RECIPIENT_DELETED, RECIPIENT_RESUBSCRIBED,
            TOPIC_SUBSCRIBED, TOPIC_UNSUBSCRIBED);
    /**
     * Handled by the device events handler (push module), which needs SNS. {@code Recipient Deleted} goes to both
     * handlers: this one deletes the recipient's devices with their SNS endpoints, the recipients handler everything
     * else. Each removes only its own items, so neither order of the two leaves anything behind.
     */
    public static final List<String> DEVICE_EVENTS = List.of(DEVICE_REGISTERED, DEVICE_UNREGISTERED, RECIPIENT_DELETED);

    // ids become parts of DynamoDB keys such as USER#<id> and DEVICE#<id>, where '#' separates the parts
    /** Non-empty, no whitespace or '#' (the keys' separator); its length is {@link RecipientLimits#idProblem}'s to judge. */
    private static final Pattern ID = Pattern.compile("[^\\s#]+");

    private ManagementEvents() {
    }

    /** The EventBridge pattern for some of these detail-types, from any source but Herald itself. */
    public static String rulePattern(List<String> detailTypes) {
        ObjectNode pattern = Json.object();
        pattern.putArray("source").addObject().putArray("anything-but").add(EventEnvelope.HERALD_SOURCE);
        var types = pattern.putArray("detail-type");
        detailTypes.forEach(types::add);
        return Json.write(pattern);
    }

    /**
     * The id in {@code detail.<field>}, stripped; throws {@link IllegalArgumentException} naming the field when it is
     * missing, blank, longer than 256 characters, or holds whitespace or '#'.
     */
    public static String requireId(JsonNode detail, String field) {
        JsonNode value = detail.path(field);
        String id = value.isMissingNode() || value.isNull() ? "" : value.asText().strip();
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("detail." + field + " is required: a non-empty id without spaces or '#'");
        }
        // the same limit as enrichment's, in bytes, so that no id is stored here that a notification could not reach
        RecipientLimits.idProblem("detail." + field, id).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return id;
    }
}
