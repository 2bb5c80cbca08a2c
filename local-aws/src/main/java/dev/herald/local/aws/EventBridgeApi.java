package dev.herald.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * EventBridge's {@code PutEvents} (awsJson 1.1: {@code POST /} with {@code X-Amz-Target: AWSEvents.PutEvents}), so
 * the AWS CLI and SDKs publish to herald local with just an endpoint override. The bus is {@code herald}
 * ({@code default} and a bus ARN ending in {@code /herald} are accepted too). Any other {@code AWSEvents}
 * operation gets an error that names it.
 */
public final class EventBridgeApi implements HttpEndpoint {

    public static final String TARGET_PREFIX = "AWSEvents.";
    public static final String BUS = "herald";
    private static final Set<String> BUSES = Set.of(BUS, "default");

    /** EventBridge's limits: entries per request, and the total size accepted per request. */
    public static final int MAX_ENTRIES = 10;
    public static final int MAX_REQUEST_BYTES = 1024 * 1024;

    /** The service name EventBridge requests are signed for. */
    public static final String SERVICE = "events";

    private final EventBusIntake intake;
    private final SigV4 signatures;

    public EventBridgeApi(EventBusIntake intake, SigV4 signatures) {
        this.intake = intake;
        this.signatures = signatures;
    }

    @Override
    public Optional<HttpReply> refuseBeforeBody(HttpCall head) {
        if (!head.method().equals("POST") || !head.header("x-amz-target").orElse("").startsWith(TARGET_PREFIX)) {
            return Optional.empty();
        }
        if (head.contentLength() > MAX_REQUEST_BYTES) {
            return Optional.of(tooLarge(head.contentLength()));
        }
        return SigV4.refuseUnsigned(head, AwsErrors.Protocol.AWS_JSON);
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        Optional<String> target = call.header("x-amz-target");
        if (!call.method().equals("POST") || target.isEmpty()) {
            return Optional.empty();
        }
        if (target.get().startsWith(TARGET_PREFIX)) {
            Optional<HttpReply> unauthenticated = signatures.refuse(call, SERVICE, AwsErrors.Protocol.AWS_JSON);
            if (unauthenticated.isPresent()) {
                return unauthenticated;
            }
        }
        if (!target.get().equals(TARGET_PREFIX + "PutEvents")) {
            return Optional.of(AwsErrors.json11(400, "UnknownOperationException", "herald local does not support " + target.get()
                    + (target.get().startsWith(TARGET_PREFIX) ? "; of EventBridge it implements AWSEvents.PutEvents only"
                    : "; it serves EventBridge PutEvents, SES v2 SendEmail, SNS mobile push and the API Gateway Management API")));
        }
        return Optional.of(putEvents(call));
    }

    private HttpReply putEvents(HttpCall call) {
        if (call.bodyTooLarge() || call.body().length > MAX_REQUEST_BYTES) {
            return tooLarge(call.body().length);
        }
        JsonNode request;
        try {
            request = Json.parse(new String(call.body(), StandardCharsets.UTF_8));
        } catch (InvalidJsonException e) {
            return AwsErrors.json11(400, "SerializationException", "the PutEvents body is not valid JSON: " + e.getMessage());
        }
        if (request == null || !request.isObject()) {
            return AwsErrors.json11(400, "SerializationException", "the PutEvents body must be a JSON object with Entries");
        }
        JsonNode entries = request.path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            return AwsErrors.json11(400, "ValidationException", "1 validation error detected: Value at 'entries' failed to satisfy constraint: "
                    + "Member must have length between 1 and " + MAX_ENTRIES + " (got "
                    + (entries.isArray() ? entries.size() + " entries" : "no Entries array") + ")");
        }
        Optional<HttpReply> malformed = PutEventsShape.check(entries);
        if (malformed.isPresent()) {
            return malformed.get();
        }
        for (JsonNode entry : entries) {
            String bus = busName(entry.path("EventBusName").asText(""));
            if (!bus.isEmpty() && !BUSES.contains(bus)) {
                return AwsErrors.json11(400, "ResourceNotFoundException", "Event bus " + bus + " does not exist. herald local has the bus '"
                        + BUS + "' (and accepts 'default')");
            }
        }
        ObjectNode response = Json.object();
        ArrayNode results = Json.mapper().createArrayNode();
        int failed = 0;
        for (int i = 0; i < entries.size(); i++) {
            EventBusIntake.Result outcome = intake.put(entries.get(i), i);
            ObjectNode result = results.addObject();
            if (outcome.ok()) {
                result.put("EventId", outcome.eventId());
            } else {
                failed++;
                result.put("ErrorCode", outcome.errorCode());
                result.put("ErrorMessage", outcome.errorMessage());
            }
        }
        response.put("FailedEntryCount", failed);
        response.set("Entries", results);
        return new HttpReply(200, AwsErrors.AMZ_JSON_11, Json.writeBytes(response), Map.of());
    }

    private static HttpReply tooLarge(long bytes) {
        return AwsErrors.json11(413, "ValidationException", "the PutEvents request is " + bytes + " bytes; EventBridge accepts at most "
                + MAX_REQUEST_BYTES + " bytes (1 MiB) per request and 256 KB per entry");
    }

    private static String busName(String nameOrArn) {
        int slash = nameOrArn.lastIndexOf('/');
        return nameOrArn.startsWith("arn:") && slash >= 0 ? nameOrArn.substring(slash + 1) : nameOrArn;
    }
}
