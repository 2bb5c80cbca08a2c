package dev.herald.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EventBridge Scheduler (restJson, signed for {@code scheduler}) as strict as AWS for what Herald uses:
 * {@code CreateSchedule} ({@code POST /schedules/{Name}}), {@code GetSchedule} ({@code GET /schedules/{Name}}),
 * {@code DeleteSchedule} ({@code DELETE /schedules/{Name}}) and {@code ListSchedules} ({@code GET /schedules}). Requests
 * are checked against the limits of the Scheduler API model and reference
 * (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html, API_Target.html,
 * API_RetryPolicy.html) and refused with AWS's errors ({@code x-amzn-ErrorType} and {@code {"Message": ...}}, which the
 * SDK's {@code SchedulerClient} raises as {@code ValidationException}, {@code ConflictException},
 * {@code ResourceNotFoundException}). Schedules are kept and fired by {@link LocalSchedules}.
 * <p>
 * What herald local does not do, and refuses by name: recurring {@code rate()}/{@code cron()} schedules (only one-time
 * {@code at()} schedules run here), targets other than SQS queues, schedule groups other than {@code default}
 * (AWS answers a group that does not exist with ResourceNotFoundException; here only {@code default} exists), KMS keys.
 * <p>
 * Limits enforced: Name 1–64 of {@code [0-9a-zA-Z-_.]}; ScheduleExpression 1–256; timezone 1–50 and a known IANA zone;
 * Description ≤ 512; Target.Arn 1–1600; RoleArn an IAM role ARN; DeadLetterConfig.Arn an SQS ARN; RetryPolicy
 * MaximumRetryAttempts 0–185 and MaximumEventAgeInSeconds 60–86400; FlexibleTimeWindow required, MaximumWindowInMinutes
 * 1–1440 and required with FLEXIBLE; Target.Input at least 1 character and at most {@link #MAX_INPUT_BYTES} (the
 * API model gives Input no maximum; the Scheduler quotas page,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html, caps a schedule's payload at 256 KB).
 * <p>
 * An {@code at()} time in the past: neither the API reference nor the schedule types guide
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html) refuses one or says what follows; the
 * API accepts it (no documented ValidationException), and "EventBridge Scheduler ignores StartDate for one-time
 * schedules". herald local accepts it too and fires it on the runner's next tick, as a schedule whose time has come.
 * Do not rely on that in AWS: schedule a wake-up at least a minute ahead (AWS fires with 60-second precision).
 */
public final class SchedulerApi implements HttpEndpoint {

    /** The service name Scheduler requests are signed for. */
    public static final String SERVICE = "scheduler";
    /** The largest Target.Input accepted: the 256 KB schedule payload quota. */
    public static final int MAX_INPUT_BYTES = 256 * 1024;
    public static final String DEFAULT_GROUP = "default";

    private static final String PREFIX = "/schedules";
    private static final Pattern NAME = Pattern.compile("^[0-9a-zA-Z-_.]+$");
    private static final Pattern ROLE_ARN = Pattern.compile("^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$");
    private static final Pattern SQS_ARN = Pattern.compile("^arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+$");
    private static final Pattern AT = Pattern.compile("^at\\((\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\)$");
    private static final Pattern CLIENT_TOKEN = Pattern.compile("^[a-zA-Z0-9-_]+$");

    private final ScheduleStore store;
    private final Faults faults;
    private final Clock clock;
    private final SigV4 signatures;

    public SchedulerApi(LocalSchedules schedules, Faults faults, Clock clock, SigV4 signatures) {
        this.store = schedules.store();
        this.faults = faults;
        this.clock = clock;
        this.signatures = signatures;
    }

    @Override
    public Optional<HttpReply> refuseBeforeBody(HttpCall head) {
        return ours(head) ? SigV4.refuseUnsigned(head, AwsErrors.Protocol.REST_JSON) : Optional.empty();
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        if (!ours(call)) {
            return Optional.empty();
        }
        Optional<HttpReply> unauthenticated = signatures.refuse(call, SERVICE, AwsErrors.Protocol.REST_JSON);
        if (unauthenticated.isPresent()) {
            return unauthenticated;
        }
        String name = call.path().equals(PREFIX) ? null : call.path().substring(PREFIX.length() + 1);
        Optional<String> fault = faults.next(Faults.Service.SCHEDULER, name == null ? List.of() : List.of(name));
        if (fault.isPresent()) {
            return Optional.of(fault.get().equals(Faults.THROTTLE) ? error(429, "ThrottlingException", "injected fault: Rate exceeded.")
                    : error(500, "InternalServerException", "injected fault: internal server error"));
        }
        if (name == null) {
            return Optional.of(call.method().equals("GET") ? list(call) : unknown(call));
        }
        return Optional.of(switch (call.method()) {
            case "POST" -> create(name, call);
            case "GET" -> get(name, call.param("groupName").orElse(null));
            case "DELETE" -> delete(name, call.param("groupName").orElse(null));
            default -> unknown(call);
        });
    }

    private static boolean ours(HttpCall call) {
        return call.path().equals(PREFIX) || call.path().startsWith(PREFIX + "/");
    }

    private static HttpReply unknown(HttpCall call) {
        return error(400, "UnknownOperationException", "herald local does not support Scheduler " + call.method() + " " + call.path()
                + "; it implements CreateSchedule, GetSchedule, DeleteSchedule (POST/GET/DELETE /schedules/{Name}) and ListSchedules");
    }

    /** Scheduler's error shape: the code in {@code x-amzn-ErrorType}, {@code {"Message": ...}} in the body. */
    static HttpReply error(int status, String code, String message) {
        return new HttpReply(status, HttpReply.JSON, Json.writeBytes(Map.of("Message", message)), Map.of())
                .withHeader("x-amzn-ErrorType", code)
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString());
    }

    private static HttpReply notFound(String name) {
        return error(404, "ResourceNotFoundException", "Schedule " + name + " does not exist.");
    }

    private static Optional<HttpReply> unknownGroup(String group) {
        if (group == null || group.equals(DEFAULT_GROUP)) {
            return Optional.empty();
        }
        return Optional.of(error(404, "ResourceNotFoundException", "Schedule group " + group + " does not exist."
                + " (herald local has only the default group.)"));
    }

    private HttpReply get(String name, String group) {
        Violations violations = new Violations();
        violations.name("name", name);
        violations.optionalName("groupName", group);
        if (!violations.isEmpty()) {
            return violations.reply();
        }
        Optional<HttpReply> noGroup = unknownGroup(group);
        if (noGroup.isPresent()) {
            return noGroup.get();
        }
        return store.get(name).map(s -> HttpReply.json(200, describe(s))).orElseGet(() -> notFound(name));
    }

    private HttpReply delete(String name, String group) {
        Violations violations = new Violations();
        violations.name("name", name);
        violations.optionalName("groupName", group);
        if (!violations.isEmpty()) {
            return violations.reply();
        }
        Optional<HttpReply> noGroup = unknownGroup(group);
        if (noGroup.isPresent()) {
            return noGroup.get();
        }
        while (true) {
            Optional<Schedule> current = store.get(name);
            if (current.isEmpty()) {
                return notFound(name);
            }
            if (store.remove(current.get())) {
                return HttpReply.json(200, Map.of());
            }
            // the runner changed it meanwhile (claimed or fired it): read it again
        }
    }

    private HttpReply list(HttpCall call) {
        Violations violations = new Violations();
        String prefix = call.param("NamePrefix").orElse(null);
        violations.optionalName("namePrefix", prefix);
        String group = call.param("ScheduleGroup").orElse(null);
        violations.optionalName("groupName", group);
        String state = call.param("State").orElse(null);
        if (state != null && !state.equals("ENABLED") && !state.equals("DISABLED")) {
            violations.add(state, "state", "Member must satisfy enum value set: [ENABLED, DISABLED]");
        }
        int max = 100;
        Optional<String> maxResults = call.param("MaxResults");
        if (maxResults.isPresent()) {
            try {
                max = Integer.parseInt(maxResults.get());
                violations.range(max, "maxResults", 1, 100);
            } catch (NumberFormatException e) {
                violations.add(maxResults.get(), "maxResults", "Member must be an integer");
            }
        }
        String after = call.param("NextToken").map(SchedulerApi::decodeToken).orElse(null);
        if (!violations.isEmpty()) {
            return violations.reply();
        }
        Optional<HttpReply> noGroup = unknownGroup(group);
        if (noGroup.isPresent()) {
            return noGroup.get();
        }
        List<Map<String, Object>> page = new ArrayList<>();
        String next = null;
        for (Schedule s : store.all()) {
            if ((prefix != null && !s.name().startsWith(prefix)) || (state != null && !state.equals(s.state()))
                    || (after != null && s.name().compareTo(after) <= 0)) {
                continue;
            }
            if (page.size() == max) {
                next = encodeToken(page.getLast().get("Name").toString());
                break;
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("Arn", s.arn());
            summary.put("CreationDate", epochSeconds(s.createdAt()));
            summary.put("GroupName", s.groupName());
            summary.put("LastModificationDate", epochSeconds(s.modifiedAt()));
            summary.put("Name", s.name());
            summary.put("State", s.state());
            summary.put("Target", Map.of("Arn", s.target().arn()));
            page.add(summary);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Schedules", page);
        if (next != null) {
            body.put("NextToken", next);
        }
        return HttpReply.json(200, body);
    }

    private static String encodeToken(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return token;
        }
    }

    private HttpReply create(String name, HttpCall call) {
        JsonNode request;
        try {
            request = call.body().length == 0 ? Json.object() : Json.parse(call.bodyText());
        } catch (InvalidJsonException e) {
            return error(400, "ValidationException", "Could not parse request body into json: " + e.getMessage());
        }
        if (!request.isObject()) {
            return error(400, "ValidationException", "Could not parse request body into json: expected an object");
        }
        Violations violations = new Violations();
        violations.name("name", name);
        String group = text(request, "GroupName");
        violations.optionalName("groupName", group);
        String clientToken = text(request, "ClientToken");
        if (clientToken != null) {
            violations.length(clientToken, "clientToken", 1, 64);
            violations.pattern(clientToken, "clientToken", CLIENT_TOKEN);
        }
        String description = text(request, "Description");
        if (description != null) {
            violations.length(description, "description", 0, 512);
        }
        String expression = text(request, "ScheduleExpression");
        if (violations.required(expression, "scheduleExpression")) {
            violations.length(expression, "scheduleExpression", 1, 256);
        }
        String timezone = text(request, "ScheduleExpressionTimezone");
        if (timezone != null) {
            violations.length(timezone, "scheduleExpressionTimezone", 1, 50);
        }
        String state = orDefault(text(request, "State"), "ENABLED");
        violations.oneOf(state, "state", List.of("ENABLED", "DISABLED"));
        String action = orDefault(text(request, "ActionAfterCompletion"), "NONE");
        violations.oneOf(action, "actionAfterCompletion", List.of("NONE", "DELETE"));
        JsonNode window = request.path("FlexibleTimeWindow");
        String mode = null;
        Integer windowMinutes = null;
        if (violations.required(window.isObject() ? window : null, "flexibleTimeWindow")) {
            mode = text(window, "Mode");
            if (violations.required(mode, "flexibleTimeWindow.mode")) {
                violations.oneOf(mode, "flexibleTimeWindow.mode", List.of("OFF", "FLEXIBLE"));
            }
            windowMinutes = integer(window, "MaximumWindowInMinutes", violations, "flexibleTimeWindow.maximumWindowInMinutes", 1, 1440);
        }
        JsonNode targetNode = request.path("Target");
        Schedule.Target target = null;
        if (violations.required(targetNode.isObject() ? targetNode : null, "target")) {
            target = target(targetNode, violations);
        }
        if (!request.path("KmsKeyArn").isMissingNode()) {
            violations.add(text(request, "KmsKeyArn"), "kmsKeyArn",
                    "herald local does not encrypt schedules with KMS keys; omit KmsKeyArn");
        }
        if (!violations.isEmpty()) {
            return violations.reply();
        }
        // the checks AWS makes once the request is well-formed, each with its own message
        if ("FLEXIBLE".equals(mode) && windowMinutes == null) {
            return error(400, "ValidationException", "MaximumWindowInMinutes is required when FlexibleTimeWindow Mode is FLEXIBLE.");
        }
        ZoneId zone;
        try {
            zone = timezone == null ? ZoneId.of("UTC") : ZoneId.of(timezone);
        } catch (DateTimeException e) {
            return error(400, "ValidationException", "Invalid ScheduleExpressionTimezone: " + timezone
                    + " is not a time zone EventBridge Scheduler knows; use an IANA name such as UTC or America/New_York.");
        }
        if (expression.startsWith("rate(") || expression.startsWith("cron(")) {
            return error(400, "ValidationException", "herald local runs one-time at() schedules only; " + expression
                    + " is a recurring schedule, which EventBridge Scheduler in AWS accepts but herald local does not run."
                    + " Use at(yyyy-mm-ddThh:mm:ss).");
        }
        Matcher at = AT.matcher(expression);
        Instant dueAt;
        try {
            if (!at.matches()) {
                throw new DateTimeParseException("not at(yyyy-mm-ddThh:mm:ss)", expression, 0);
            }
            dueAt = LocalDateTime.parse(at.group(1)).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            return error(400, "ValidationException", "Invalid Schedule Expression " + expression
                    + ". A one-time schedule's expression is at(yyyy-mm-ddThh:mm:ss), a valid date and time.");
        }
        if (!target.arn().startsWith("arn:")) {
            return error(400, "ValidationException", "Invalid target arn: " + target.arn() + ".");
        }
        if (!SQS_ARN.matcher(target.arn()).matches()) {
            return error(400, "ValidationException", "herald local delivers schedules to SQS queues only; the target "
                    + target.arn() + " is not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue>).");
        }
        Optional<HttpReply> noGroup = unknownGroup(group);
        if (noGroup.isPresent()) {
            return noGroup.get();
        }
        Instant now = clock.instant();
        Schedule schedule = new Schedule(name, DEFAULT_GROUP, expression, zone.getId(), dueAt, state, action, description, mode,
                windowMinutes, target, clientToken, now, now, 0, dueAt, null, false, null, 0);
        if (!store.create(schedule)) {
            Optional<Schedule> existing = store.get(name);
            // a retry of the same request (same client token, as the SDK's own retries send) succeeds again, as in AWS
            if (existing.isPresent() && clientToken != null && clientToken.equals(existing.get().clientToken())) {
                return HttpReply.json(200, Map.of("ScheduleArn", existing.get().arn()));
            }
            return error(409, "ConflictException", "Schedule " + name + " already exists.");
        }
        return HttpReply.json(200, Map.of("ScheduleArn", schedule.arn()));
    }

    private static Schedule.Target target(JsonNode node, Violations violations) {
        String arn = text(node, "Arn");
        if (violations.required(arn, "target.arn")) {
            violations.length(arn, "target.arn", 1, 1600);
        }
        String role = text(node, "RoleArn");
        if (violations.required(role, "target.roleArn")) {
            violations.length(role, "target.roleArn", 1, 1600);
            violations.pattern(role, "target.roleArn", ROLE_ARN);
        }
        String input = text(node, "Input");
        if (input != null) {
            violations.length(input, "target.input", 1, Integer.MAX_VALUE);
            int bytes = input.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_INPUT_BYTES) {
                violations.add("(" + bytes + " bytes)", "target.input", "Member must have length less than or equal to "
                        + MAX_INPUT_BYTES + " bytes (the 256 KB schedule payload quota)");
            }
        }
        JsonNode retry = node.path("RetryPolicy");
        Integer attempts = integer(retry, "MaximumRetryAttempts", violations, "target.retryPolicy.maximumRetryAttempts", 0, 185);
        Integer age = integer(retry, "MaximumEventAgeInSeconds", violations, "target.retryPolicy.maximumEventAgeInSeconds", 60, 86_400);
        String deadLetter = text(node.path("DeadLetterConfig"), "Arn");
        if (deadLetter != null) {
            violations.length(deadLetter, "target.deadLetterConfig.arn", 1, 1600);
            violations.pattern(deadLetter, "target.deadLetterConfig.arn", SQS_ARN);
        }
        for (String templated : List.of("EcsParameters", "EventBridgeParameters", "KinesisParameters", "SageMakerPipelineParameters")) {
            if (!node.path(templated).isMissingNode()) {
                violations.add("{...}", "target." + Character.toLowerCase(templated.charAt(0)) + templated.substring(1),
                        "herald local delivers to SQS queue targets only; omit " + templated);
            }
        }
        return new Schedule.Target(arn, role, input, attempts, age, deadLetter);
    }

    private Map<String, Object> describe(Schedule s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ActionAfterCompletion", s.actionAfterCompletion());
        body.put("Arn", s.arn());
        body.put("CreationDate", epochSeconds(s.createdAt()));
        if (s.description() != null) {
            body.put("Description", s.description());
        }
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("Mode", s.flexibleMode());
        if (s.flexibleWindowMinutes() != null) {
            window.put("MaximumWindowInMinutes", s.flexibleWindowMinutes());
        }
        body.put("FlexibleTimeWindow", window);
        body.put("GroupName", s.groupName());
        body.put("LastModificationDate", epochSeconds(s.modifiedAt()));
        body.put("Name", s.name());
        body.put("ScheduleExpression", s.expression());
        body.put("ScheduleExpressionTimezone", s.timezone());
        body.put("State", s.state());
        Schedule.Target t = s.target();
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("Arn", t.arn());
        target.put("RoleArn", t.roleArn());
        if (t.input() != null) {
            target.put("Input", t.input());
        }
        target.put("RetryPolicy", Map.of("MaximumRetryAttempts", t.retryAttempts(), "MaximumEventAgeInSeconds", t.eventAgeSeconds()));
        if (t.deadLetterArn() != null) {
            target.put("DeadLetterConfig", Map.of("Arn", t.deadLetterArn()));
        }
        body.put("Target", target);
        return body;
    }

    /** restJson's default timestamp format: epoch seconds, with fractions. */
    private static double epochSeconds(Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    private static Integer integer(JsonNode node, String field, Violations violations, String path, int min, int max) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            violations.add(value.asText(), path, "Member must be an integer");
            return null;
        }
        violations.range(value.intValue(), path, min, max);
        return value.intValue();
    }

    /** AWS's constraint messages, gathered: "2 validation errors detected: Value 'x' at 'name' failed to satisfy ...; ...". */
    private static final class Violations {
        private final List<String> found = new ArrayList<>();

        boolean isEmpty() {
            return found.isEmpty();
        }

        void add(String value, String path, String constraint) {
            String shown = value == null ? "null" : "'" + (value.length() > 100 ? value.substring(0, 100) + "..." : value) + "'";
            found.add("Value " + shown + " at '" + path + "' failed to satisfy constraint: " + constraint);
        }

        boolean required(Object value, String path) {
            if (value == null) {
                add(null, path, "Member must not be null");
                return false;
            }
            return true;
        }

        void length(String value, String path, int min, int max) {
            if (value.length() < min) {
                add(value, path, "Member must have length greater than or equal to " + min);
            } else if (value.length() > max) {
                add(value, path, "Member must have length less than or equal to " + max);
            }
        }

        void pattern(String value, String path, Pattern pattern) {
            if (!pattern.matcher(value).matches()) {
                add(value, path, "Member must satisfy regular expression pattern: " + pattern.pattern());
            }
        }

        void range(int value, String path, int min, int max) {
            if (value < min) {
                add(Integer.toString(value), path, "Member must have value greater than or equal to " + min);
            } else if (value > max) {
                add(Integer.toString(value), path, "Member must have value less than or equal to " + max);
            }
        }

        void oneOf(String value, String path, List<String> values) {
            if (!values.contains(value)) {
                add(value, path, "Member must satisfy enum value set: " + values);
            }
        }

        void name(String path, String value) {
            length(value, path, 1, 64);
            pattern(value, path, NAME);
        }

        void optionalName(String path, String value) {
            if (value != null) {
                name(path, value);
            }
        }

        HttpReply reply() {
            String count = found.size() == 1 ? "1 validation error detected: " : found.size() + " validation errors detected: ";
            return error(400, "ValidationException", count + String.join("; ", found));
        }
    }
}
