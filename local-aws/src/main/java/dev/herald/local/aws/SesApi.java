package dev.herald.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * SES v2 {@code SendEmail} ({@code POST /v2/email/outbound-emails}, restJson): checks the request as SES does,
 * records the email in the outbox and answers with a message id. Nothing leaves the machine. Other SES v2
 * operations get an error that names them. With an {@link SesEventDestination}, emails of its configuration set
 * report their delivery (and opens and clicks on request) to EventBridge, as SES's event publishing does.
 */
public final class SesApi implements HttpEndpoint {

    private static final String PREFIX = "/v2/email/";
    private static final String SEND = "/v2/email/outbound-emails";

    /** The service name SES v2 requests are signed for. */
    public static final String SERVICE = "ses";

    private final Outbox outbox;
    private final Faults faults;
    private final Clock clock;
    private final SigV4 signatures;
    private final Optional<SesEventDestination> events;

    /** Without an event destination: SES reports nothing back. */
    public SesApi(Outbox outbox, Faults faults, Clock clock, SigV4 signatures) {
        this(outbox, faults, clock, signatures, Optional.empty());
    }

    public SesApi(Outbox outbox, Faults faults, Clock clock, SigV4 signatures, Optional<SesEventDestination> events) {
        this.outbox = outbox;
        this.faults = faults;
        this.clock = clock;
        this.signatures = signatures;
        this.events = events;
    }

    @Override
    public Optional<HttpReply> refuseBeforeBody(HttpCall head) {
        return head.path().startsWith(PREFIX) ? SigV4.refuseUnsigned(head, AwsErrors.Protocol.REST_JSON) : Optional.empty();
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        if (!call.path().startsWith(PREFIX)) {
            return Optional.empty();
        }
        Optional<HttpReply> unauthenticated = signatures.refuse(call, SERVICE, AwsErrors.Protocol.REST_JSON);
        if (unauthenticated.isPresent()) {
            return unauthenticated;
        }
        if (!call.is("POST", SEND)) {
            return Optional.of(AwsErrors.restJson(400, "UnknownOperationException", "herald local does not support SES v2 "
                    + call.method() + " " + call.path() + "; of SES v2 it implements SendEmail (POST " + SEND + ") only"));
        }
        Optional<String> fault = faults.next(Faults.Service.SES, destinations(call));
        if (fault.isPresent()) {
            return Optional.of(switch (fault.get()) {
                case "throttle" -> AwsErrors.restJson(429, "TooManyRequestsException", "injected fault: Maximum sending rate exceeded.");
                case "MessageRejected" -> AwsErrors.restJson(400, "MessageRejected", "injected fault: Email address is not verified.");
                case "BadRequest" -> AwsErrors.restJson(400, "BadRequestException", "injected fault: Illegal address");
                default -> AwsErrors.restJson(500, "InternalFailure", "injected fault: internal failure");
            });
        }
        return Optional.of(send(call));
    }

    private HttpReply send(HttpCall call) {
        JsonNode request;
        try {
            request = Json.parse(call.bodyText());
        } catch (InvalidJsonException e) {
            return AwsErrors.restJson(400, "BadRequestException", "SendEmail body is not valid JSON: " + e.getMessage());
        }
        JsonNode content = request.path("Content");
        JsonNode simple = content.path("Simple");
        JsonNode raw = content.path("Raw");
        if (simple.isMissingNode() && raw.isMissingNode() && content.path("Template").isMissingNode()) {
            return AwsErrors.restJson(400, "BadRequestException", "SendEmail needs Content with Simple, Raw or Template");
        }
        List<String> to = strings(request.path("Destination").path("ToAddresses"));
        List<String> cc = strings(request.path("Destination").path("CcAddresses"));
        List<String> bcc = strings(request.path("Destination").path("BccAddresses"));
        String from = request.path("FromEmailAddress").asText(null);
        if (raw.isMissingNode()) {
            if (from == null || from.isBlank()) {
                return AwsErrors.restJson(400, "BadRequestException", "SendEmail needs FromEmailAddress");
            }
            if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
                return AwsErrors.restJson(400, "BadRequestException", "SendEmail needs at least one address in Destination");
            }
            for (String address : concat(to, cc, bcc)) {
                if (!address.contains("@")) {
                    return AwsErrors.restJson(400, "BadRequestException", "Destination address '" + address + "' is not an email address");
                }
            }
        }
        if (!simple.isMissingNode() && simple.path("Subject").path("Data").asText("").isEmpty()) {
            return AwsErrors.restJson(400, "BadRequestException", "SendEmail Simple content needs Subject.Data");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        simple.path("Headers").forEach(h -> headers.put(h.path("Name").asText(), h.path("Value").asText()));
        String rawText = raw.isMissingNode() ? null
                : new String(Base64.getDecoder().decode(raw.path("Data").asText("")), StandardCharsets.UTF_8);
        String messageId = "local-" + UUID.randomUUID();
        Instant at = clock.instant();
        String html = simple.path("Body").path("Html").path("Data").asText(null);
        outbox.add(new Outbox.Email(messageId, at, from, to, cc, bcc, strings(request.path("ReplyToAddresses")),
                simple.path("Subject").path("Data").asText(null),
                simple.path("Body").path("Text").path("Data").asText(null),
                html, headers, request.path("ConfigurationSetName").asText(null), rawText));
        // a raw email's HTML part is not parsed here, so it can be delivered but not opened or clicked
        events.ifPresent(e -> e.accepted(messageId, at, request, concat(to, cc, bcc), html));
        return HttpReply.json(200, Map.of("MessageId", messageId));
    }

    /** The addresses a SendEmail call is for, which faults can match; none when the body is not JSON. */
    private static List<String> destinations(HttpCall call) {
        try {
            JsonNode destination = Json.parse(call.bodyText()).path("Destination");
            return concat(strings(destination.path("ToAddresses")), strings(destination.path("CcAddresses")),
                    strings(destination.path("BccAddresses")));
        } catch (InvalidJsonException notJson) {
            return List.of();
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> l : lists) {
            all.addAll(l);
        }
        return all;
    }
}
