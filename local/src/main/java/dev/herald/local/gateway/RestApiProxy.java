package dev.herald.local.gateway;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * One resource of an API Gateway REST API with a Lambda proxy integration on every method, as the cloud stack
 * deploys it: each call to {@code path} becomes the proxy event the handler gets in Lambda, and its proxy response
 * becomes the HTTP reply. Other paths are left to the other endpoints.
 */
public final class RestApiProxy implements HttpEndpoint {

    /** The stage name the events carry here; the cloud stage is {@code prod}. */
    static final String STAGE = "local";

    private final String path;
    private final Function<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler;

    public RestApiProxy(String path, Function<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> handler) {
        this.path = path;
        this.handler = handler;
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        if (!call.path().equals(path)) {
            return Optional.empty();
        }
        if (call.bodyTooLarge()) {
            return Optional.of(HttpReply.error(413, "request body too large for " + path));
        }
        return Optional.of(reply(handler.apply(event(call))));
    }

    static APIGatewayProxyRequestEvent event(HttpCall call) {
        Map<String, String> query = new HashMap<>();
        // API Gateway's single-valued map keeps the last value of a repeated parameter
        call.query().forEach((name, values) -> query.put(name, values.getLast()));
        Map<String, List<String>> headers = new HashMap<>();
        call.headers().forEach((name, value) -> headers.put(name, List.of(value)));
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod(call.method())
                .withResource(call.path())
                .withPath(call.path())
                .withHeaders(call.headers())
                .withMultiValueHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withMultiValueQueryStringParameters(call.query().isEmpty() ? null : call.query())
                .withBody(call.body().length == 0 ? null : call.bodyText())
                .withIsBase64Encoded(false)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withStage(STAGE)
                        .withHttpMethod(call.method())
                        .withResourcePath(call.path())
                        .withPath("/" + STAGE + call.path())
                        .withRequestId(UUID.randomUUID().toString()));
    }

    static HttpReply reply(APIGatewayProxyResponseEvent response) {
        if (response == null || response.getStatusCode() == null) {
            // what API Gateway answers for a proxy response without a status code
            return HttpReply.json(502, Map.of("message", "Internal server error"));
        }
        return ProxyReplies.of(response.getStatusCode(), response.getMultiValueHeaders(), response.getHeaders(), response.getBody(),
                Boolean.TRUE.equals(response.getIsBase64Encoded()));
    }
}
