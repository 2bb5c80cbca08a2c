package dev.herald.channel.websocket;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import java.util.HashMap;
import java.util.Map;

/** API Gateway WebSocket route events, shaped as API Gateway sends them. */
final class RouteEvents {

    private RouteEvents() {
    }

    static APIGatewayV2WebSocketEvent connect(String connectionId, String token) {
        APIGatewayV2WebSocketEvent event = event("$connect", "CONNECT", connectionId);
        if (token != null) {
            event.setQueryStringParameters(Map.of("token", token));
        }
        return event;
    }

    static APIGatewayV2WebSocketEvent message(String connectionId, String body) {
        APIGatewayV2WebSocketEvent event = event("$default", "MESSAGE", connectionId);
        event.setBody(body);
        return event;
    }

    static APIGatewayV2WebSocketEvent disconnect(String connectionId) {
        return event("$disconnect", "DISCONNECT", connectionId);
    }

    static APIGatewayV2WebSocketEvent event(String routeKey, String eventType, String connectionId) {
        APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setRouteKey(routeKey);
        context.setEventType(eventType);
        context.setConnectionId(connectionId);
        context.setRequestId("req-" + connectionId);
        context.setAuthorizer(new HashMap<>());
        APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
        event.setRequestContext(context);
        event.setHeaders(new HashMap<>());
        return event;
    }
}
