package dev.herald.channel.websocket;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.herald.json.Json;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Building and reading API Gateway WebSocket route requests and responses. */
final class RouteResponses {

    private RouteResponses() {
    }

    static APIGatewayV2WebSocketResponse ok(Object body) {
        return response(200, body == null ? null : Json.write(body));
    }

    static APIGatewayV2WebSocketResponse error(int status, String message) {
        return error(status, message, null);
    }

    /** An error reply, echoing the {@code ref} of the message it answers when there was one. */
    static APIGatewayV2WebSocketResponse error(int status, String message, String ref) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        // API Gateway hands the client the route response's body only: the status goes in it too
        body.put("status", status);
        if (ref != null) {
            body.put("ref", ref);
        }
        return response(status, Json.write(body));
    }

    static APIGatewayV2WebSocketResponse response(int status, String body) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(status);
        response.setHeaders(Map.of("Content-Type", "application/json"));
        response.setBody(body);
        return response;
    }

    static Optional<String> connectionId(APIGatewayV2WebSocketEvent event) {
        return Optional.ofNullable(event).map(APIGatewayV2WebSocketEvent::getRequestContext)
                .map(APIGatewayV2WebSocketEvent.RequestContext::getConnectionId).filter(id -> !id.isBlank());
    }

    /** The token from {@code ?token=} (what a browser can send) or an {@code Authorization: Bearer} header. */
    static Optional<String> token(Map<String, String> query, Map<String, String> headers) {
        if (query != null && query.get("token") != null && !query.get("token").isBlank()) {
            return Optional.of(query.get("token"));
        }
        if (headers != null) {
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (header.getKey().equalsIgnoreCase("authorization") && header.getValue() != null) {
                    String value = header.getValue().strip();
                    if (value.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
                        return Optional.of(value.substring("bearer ".length()).strip());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The user a Lambda authorizer put in the request context, if API Gateway ran one on {@code $connect}. */
    static Optional<String> authorizedUser(APIGatewayV2WebSocketEvent event) {
        Map<String, Object> authorizer = event.getRequestContext() == null ? null : event.getRequestContext().getAuthorizer();
        if (authorizer == null) {
            return Optional.empty();
        }
        Object principal = authorizer.get("principalId");
        return principal instanceof String user && !user.isBlank() ? Optional.of(user) : Optional.empty();
    }
}
