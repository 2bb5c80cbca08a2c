package dev.herald.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.local.http.HttpReply;
import java.util.Map;
import java.util.Optional;

/**
 * The member types of PutEvents' {@code PutEventsRequestEntry}, checked as EventBridge's awsJson deserializer checks
 * them: a value of the wrong JSON type fails the whole request with {@code SerializationException}, before any entry
 * is looked at. So {@code Detail} as an object (it is a string holding JSON), {@code Source} as a number or
 * {@code Resources} as a string are refused here exactly as in AWS, instead of working locally and failing in the cloud.
 */
final class PutEventsShape {

    private enum Type { STRING, STRING_LIST, TIMESTAMP }

    private static final Map<String, Type> MEMBERS = Map.of(
            "Source", Type.STRING,
            "DetailType", Type.STRING,
            "Detail", Type.STRING,
            "EventBusName", Type.STRING,
            "TraceHeader", Type.STRING,
            "Resources", Type.STRING_LIST,
            "Time", Type.TIMESTAMP);

    private PutEventsShape() {
    }

    /** The SerializationException for the first member of the wrong type, if any. */
    static Optional<HttpReply> check(JsonNode entries) {
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            if (!entry.isObject()) {
                return refuse(i, null, entry, "an object");
            }
            for (var member : MEMBERS.entrySet()) {
                JsonNode value = entry.get(member.getKey());
                if (value == null || value.isNull()) {
                    continue;
                }
                Optional<HttpReply> refused = switch (member.getValue()) {
                    case STRING -> value.isTextual() ? Optional.empty() : refuse(i, member.getKey(), value, "a string"
                            + (member.getKey().equals("Detail") ? " holding the detail's JSON, e.g. \"{\\\"userId\\\":\\\"u1\\\"}\"" : ""));
                    case TIMESTAMP -> value.isNumber() || value.isTextual() ? Optional.empty()
                            : refuse(i, member.getKey(), value, "a timestamp (epoch seconds or ISO-8601)");
                    case STRING_LIST -> stringList(i, member.getKey(), value);
                };
                if (refused.isPresent()) {
                    return refused;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<HttpReply> stringList(int index, String member, JsonNode value) {
        if (!value.isArray()) {
            return refuse(index, member, value, "a list of strings");
        }
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                return refuse(index, member + "[]", item, "a string");
            }
        }
        return Optional.empty();
    }

    private static Optional<HttpReply> refuse(int index, String member, JsonNode value, String expected) {
        String found = switch (value.getNodeType()) {
            case OBJECT -> "Start of structure or map found where not expected";
            case ARRAY -> "Start of list found where not expected";
            case NUMBER -> "NUMBER_VALUE can not be converted to a String";
            case BOOLEAN -> "Boolean value can not be converted to a String";
            default -> value.getNodeType() + " found where not expected";
        };
        String where = "Entries[" + index + "]" + (member == null ? "" : "." + member);
        return Optional.of(AwsErrors.json11(400, "SerializationException", found + " at " + where + "; it must be " + expected));
    }
}
