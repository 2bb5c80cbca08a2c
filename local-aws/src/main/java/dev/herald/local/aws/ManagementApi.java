package dev.herald.local.aws;

import dev.herald.json.Json;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The API Gateway Management API ({@code POST|GET|DELETE /@connections/{id}}, with or without a stage prefix) over
 * the local gateway's connections, so the WebSocket channel posts with the real SDK client. A connection that is
 * not open answers 410 {@code GoneException}, as API Gateway does.
 */
public final class ManagementApi implements HttpEndpoint {

    /** API Gateway's limit for one posted message. */
    public static final int MAX_DATA_BYTES = 128 * 1024;
    private static final String SEGMENT = "/@connections/";

    /** The service name Management API requests are signed for. */
    public static final String SERVICE = "execute-api";

    private final ConnectionSessions sessions;
    private final Faults faults;
    private final SigV4 signatures;

    public ManagementApi(ConnectionSessions sessions, Faults faults, SigV4 signatures) {
        this.sessions = sessions;
        this.faults = faults;
        this.signatures = signatures;
    }

    @Override
    public Optional<HttpReply> refuseBeforeBody(HttpCall head) {
        if (!head.path().contains(SEGMENT)) {
            return Optional.empty();
        }
        if (head.method().equals("POST") && head.contentLength() > MAX_DATA_BYTES) {
            return Optional.of(tooLarge());
        }
        return SigV4.refuseUnsigned(head, AwsErrors.Protocol.REST_JSON);
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        int at = call.path().indexOf(SEGMENT);
        if (at < 0) {
            return Optional.empty();
        }
        Optional<HttpReply> unauthenticated = signatures.refuse(call, SERVICE, AwsErrors.Protocol.REST_JSON);
        if (unauthenticated.isPresent()) {
            return unauthenticated;
        }
        String connectionId = call.path().substring(at + SEGMENT.length());
        if (connectionId.isEmpty() || connectionId.contains("/")) {
            return Optional.of(AwsErrors.restJson(400, "BadRequestException", "expected /@connections/{connectionId}, got " + call.path()));
        }
        Optional<String> fault = faults.next(Faults.Service.CONNECTIONS, List.of(connectionId));
        if (fault.isPresent()) {
            return Optional.of(fault(fault.get(), connectionId));
        }
        return Optional.of(switch (call.method()) {
            case "POST" -> post(connectionId, call);
            case "GET" -> get(connectionId);
            case "DELETE" -> sessions.close(connectionId) ? HttpReply.empty(204) : gone(connectionId);
            default -> AwsErrors.restJson(405, "MethodNotAllowedException", call.method() + " is not an @connections operation; use POST, GET or DELETE");
        });
    }

    private HttpReply post(String connectionId, HttpCall call) {
        if (call.bodyTooLarge() || call.body().length > MAX_DATA_BYTES) {
            return tooLarge();
        }
        try {
            return sessions.send(connectionId, call.body()) ? HttpReply.empty(200) : gone(connectionId);
        } catch (RuntimeException e) {
            return AwsErrors.restJson(500, "InternalServerErrorException", "could not write to connection " + connectionId + ": " + e.getMessage());
        }
    }

    private HttpReply get(String connectionId) {
        return sessions.info(connectionId).map(info -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("connectedAt", info.connectedAt().toString());
            body.put("lastActiveAt", info.lastActiveAt().toString());
            Map<String, String> identity = new LinkedHashMap<>();
            identity.put("sourceIp", info.sourceIp());
            identity.put("userAgent", info.userAgent() == null ? "" : info.userAgent());
            body.put("identity", identity);
            return new HttpReply(200, HttpReply.JSON, Json.writeBytes(body), Map.of());
        }).orElseGet(() -> gone(connectionId));
    }

    private static HttpReply tooLarge() {
        return AwsErrors.restJson(413, "PayloadTooLargeException", "Message too long: at most " + MAX_DATA_BYTES + " bytes per PostToConnection");
    }

    private static HttpReply gone(String connectionId) {
        return AwsErrors.restJson(410, "GoneException", "connection " + connectionId + " is gone");
    }

    private static HttpReply fault(String error, String connectionId) {
        return switch (error) {
            case "gone" -> gone(connectionId);
            case "throttle" -> AwsErrors.restJson(429, "LimitExceededException", "injected fault: rate exceeded");
            case "forbidden" -> AwsErrors.restJson(403, "ForbiddenException", "injected fault: forbidden");
            default -> AwsErrors.restJson(500, "InternalServerErrorException", "injected fault: internal server error");
        };
    }
}
