package dev.herald.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import dev.herald.local.http.UrlEncoded;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * SNS mobile push, the part Herald uses (awsQuery: {@code POST /} with a form body and {@code Action=...}):
 * {@code CreatePlatformEndpoint}, {@code GetEndpointAttributes}, {@code SetEndpointAttributes}, {@code DeleteEndpoint}
 * and {@code Publish} to an endpoint. Endpoints live in a {@link PlatformEndpointStore} (herald local's table, so {@code --data} keeps them); a publish is
 * recorded in the outbox. As SNS does, a publish to a disabled endpoint fails with {@code EndpointDisabled} and
 * {@code MessageStructure=json} needs a JSON object with a {@code default} key.
 */
public final class SnsApi implements HttpEndpoint {

    public static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";
    public static final List<String> ACTIONS = List.of("Publish", "CreatePlatformEndpoint", "SetEndpointAttributes",
            "GetEndpointAttributes", "DeleteEndpoint");
    /** The partition of herald local's table its endpoints are kept in. */
    public static final String PARTITION = "SNS_ENDPOINT";

    /** The service name SNS requests are signed for. */
    public static final String SERVICE = "sns";

    private final PlatformEndpointStore table;
    private final Outbox outbox;
    private final Faults faults;
    private final Clock clock;
    private final SigV4 signatures;

    public SnsApi(PlatformEndpointStore table, Outbox outbox, Faults faults, Clock clock, SigV4 signatures) {
        this.table = table;
        this.outbox = outbox;
        this.faults = faults;
        this.clock = clock;
        this.signatures = signatures;
    }

    @Override
    public Optional<HttpReply> refuseBeforeBody(HttpCall head) {
        return isQuery(head) ? SigV4.refuseUnsigned(head, AwsErrors.Protocol.AWS_QUERY) : Optional.empty();
    }

    private static boolean isQuery(HttpCall call) {
        return call.method().equals("POST") && call.path().equals("/") && call.header("x-amz-target").isEmpty()
                && call.header("content-type").orElse("").startsWith("application/x-www-form-urlencoded");
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        if (!isQuery(call)) {
            return Optional.empty();
        }
        Optional<HttpReply> unauthenticated = signatures.refuse(call, SERVICE, AwsErrors.Protocol.AWS_QUERY);
        if (unauthenticated.isPresent()) {
            return unauthenticated;
        }
        Map<String, String> form;
        try {
            form = form(call.bodyText());
        } catch (IllegalArgumentException malformed) {
            return Optional.of(AwsErrors.query(400, "MalformedQueryString", "the form body is not valid application/x-www-form-urlencoded: "
                    + malformed.getMessage()));
        }
        String action = form.getOrDefault("Action", "");
        if (!ACTIONS.contains(action)) {
            return Optional.of(AwsErrors.query(400, "UnknownOperationException", "herald local does not support SNS "
                    + (action.isEmpty() ? "requests without Action" : action) + "; it implements " + String.join(", ", ACTIONS)));
        }
        Optional<String> fault = faults.next(Faults.Service.SNS, subjects(action, form));
        if (fault.isPresent()) {
            return Optional.of(switch (fault.get()) {
                case "throttle" -> AwsErrors.query(429, "Throttled", "injected fault: Rate exceeded");
                case "EndpointDisabled" -> AwsErrors.query(400, "EndpointDisabled", "injected fault: Endpoint is disabled");
                case "NotFound" -> AwsErrors.query(404, "NotFound", "injected fault: Endpoint does not exist");
                case "InvalidParameter" -> AwsErrors.query(400, "InvalidParameter", "injected fault: Invalid parameter");
                default -> AwsErrors.query(500, "InternalError", "injected fault: internal error");
            });
        }
        return Optional.of(switch (action) {
            case "Publish" -> publish(form);
            case "CreatePlatformEndpoint" -> create(form);
            case "GetEndpointAttributes" -> getAttributes(form);
            case "SetEndpointAttributes" -> setAttributes(form);
            default -> delete(form);
        });
    }

    private HttpReply create(Map<String, String> form) {
        String application = form.get("PlatformApplicationArn");
        String token = form.get("Token");
        if (application == null || !application.matches("arn:aws:sns:[^:]*:[^:]*:app/[^/]+/[^/]+")) {
            return AwsErrors.query(400, "InvalidParameter", "Invalid parameter: PlatformApplicationArn must look like arn:aws:sns:REGION:ACCOUNT:app/PLATFORM/NAME, got " + application);
        }
        if (token == null || token.isBlank()) {
            return AwsErrors.query(400, "InvalidParameter", "Invalid parameter: Token is required");
        }
        String[] app = application.substring(application.indexOf(":app/") + 5).split("/");
        String prefix = application.substring(0, application.indexOf(":app/"));
        // SNS returns the existing endpoint for an application and token it already knows, unless the request sets
        // CustomUserData or Enabled to something else
        for (Map<String, String> existing : table.list()) {
            if (application.equals(existing.get("application")) && token.equals(existing.get("Token"))) {
                String arn = existing.get(PlatformEndpointStore.ARN);
                String enabled = attributes(form).get("Enabled");
                boolean same = (!form.containsKey("CustomUserData") || Objects.equals(existing.get("CustomUserData"), form.get("CustomUserData")))
                        && (enabled == null || existing.getOrDefault("Enabled", "true").equalsIgnoreCase(enabled));
                return same ? ok("CreatePlatformEndpoint", "<EndpointArn>" + AwsErrors.xml(arn) + "</EndpointArn>")
                        : AwsErrors.query(400, "InvalidParameter", "Invalid parameter: Token Reason: Endpoint " + arn
                                + " already exists with the same Token, but different attributes.");
            }
        }
        String arn = prefix + ":endpoint/" + app[0] + "/" + app[1] + "/" + UUID.randomUUID();
        Map<String, String> item = new HashMap<>(attributes(form));
        item.put("application", application);
        item.put("platform", app[0]);
        item.put("Token", token);
        item.putIfAbsent("Enabled", "true");
        if (form.containsKey("CustomUserData")) {
            item.put("CustomUserData", form.get("CustomUserData"));
        }
        table.put(arn, item);
        return ok("CreatePlatformEndpoint", "<EndpointArn>" + AwsErrors.xml(arn) + "</EndpointArn>");
    }

    private HttpReply getAttributes(Map<String, String> form) {
        String arn = form.get("EndpointArn");
        Optional<Map<String, String>> endpoint = arn == null ? Optional.empty() : table.get(arn);
        if (endpoint.isEmpty()) {
            return notFound(arn);
        }
        StringBuilder xml = new StringBuilder("<Attributes>");
        for (String name : List.of("Enabled", "Token", "CustomUserData")) {
            String value = endpoint.get().get(name);
            if (value != null) {
                xml.append("<entry><key>").append(name).append("</key><value>").append(AwsErrors.xml(value)).append("</value></entry>");
            }
        }
        return ok("GetEndpointAttributes", xml.append("</Attributes>").toString());
    }

    private HttpReply setAttributes(Map<String, String> form) {
        String arn = form.get("EndpointArn");
        Optional<Map<String, String>> endpoint = arn == null ? Optional.empty() : table.get(arn);
        if (endpoint.isEmpty()) {
            return notFound(arn);
        }
        Map<String, String> item = new HashMap<>(endpoint.get());
        item.remove(PlatformEndpointStore.ARN);
        item.putAll(attributes(form));
        table.put(arn, item);
        return ok("SetEndpointAttributes", null);
    }

    private HttpReply delete(Map<String, String> form) {
        String arn = form.get("EndpointArn");
        if (arn != null) {
            table.delete(arn);
        }
        return ok("DeleteEndpoint", null);
    }

    private HttpReply publish(Map<String, String> form) {
        String target = form.getOrDefault("TargetArn", form.get("TopicArn"));
        String message = form.get("Message");
        if (target == null) {
            return AwsErrors.query(400, "InvalidParameter", "Invalid parameter: TargetArn or TopicArn is required (herald local publishes to endpoints)");
        }
        if (message == null) {
            return AwsErrors.query(400, "InvalidParameter", "Invalid parameter: Empty message");
        }
        String structure = form.get("MessageStructure");
        JsonNode parsed = null;
        if ("json".equals(structure)) {
            try {
                parsed = Json.parse(message);
            } catch (InvalidJsonException e) {
                return AwsErrors.query(400, "InvalidParameter", "Invalid parameter: Message Structure - JSON message body failed to parse: " + e.getMessage());
            }
            if (!parsed.isObject() || !parsed.path("default").isTextual()) {
                return AwsErrors.query(400, "InvalidParameter", "Invalid parameter: Message Structure - No default entry in JSON message body");
            }
        }
        String platform = null;
        String recipient = null;
        if (target.contains(":endpoint/")) {
            Optional<Map<String, String>> endpoint = table.get(target);
            if (endpoint.isEmpty()) {
                return notFound(target);
            }
            if (!"true".equalsIgnoreCase(endpoint.get().getOrDefault("Enabled", "true"))) {
                return AwsErrors.query(400, "EndpointDisabled", "Endpoint is disabled");
            }
            platform = endpoint.get().get("platform");
            recipient = endpoint.get().get("CustomUserData");
        }
        String messageId = UUID.randomUUID().toString();
        outbox.add(new Outbox.Push(messageId, clock.instant(), target, platform, recipient, structure, form.get("Subject"),
                parsed != null ? parsed : Json.mapper().getNodeFactory().textNode(message)));
        return ok("Publish", "<MessageId>" + messageId + "</MessageId>");
    }

    /** What faults can match: the action, and the endpoint or token it is about. */
    private static List<String> subjects(String action, Map<String, String> form) {
        return Stream.of(action, form.get("TargetArn"), form.get("EndpointArn"), form.get("Token"))
                .filter(Objects::nonNull).toList();
    }

    /** {@code Attributes.entry.N.key} / {@code Attributes.entry.N.value} pairs. */
    private static Map<String, String> attributes(Map<String, String> form) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int n = 1; form.containsKey("Attributes.entry." + n + ".key"); n++) {
            attributes.put(form.get("Attributes.entry." + n + ".key"), form.getOrDefault("Attributes.entry." + n + ".value", ""));
        }
        return attributes;
    }

    private static HttpReply notFound(String arn) {
        return AwsErrors.query(404, "NotFound", "Endpoint does not exist: " + arn);
    }

    private static HttpReply ok(String action, String result) {
        String xml = "<" + action + "Response xmlns=\"" + NAMESPACE + "\">"
                + (result == null ? "" : "<" + action + "Result>" + result + "</" + action + "Result>")
                + "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata></" + action + "Response>";
        return new HttpReply(200, "text/xml", xml.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** An awsQuery form body as names and values; throws IllegalArgumentException when it is not url-encoded. */
    public static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        UrlEncoded.pairs(body).forEach(pair -> form.put(pair.getKey(), pair.getValue()));
        return form;
    }
}
