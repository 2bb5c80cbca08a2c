package dev.herald.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.lambda.LambdaLimits;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Lambda's {@code Invoke} for asynchronous invocations ({@code POST /2015-03-31/functions/{name}/invocations} with
 * {@code X-Amz-Invocation-Type: Event}, restJson), over {@link AsyncFunctions} (herald local's invoker): how the processor hands a
 * dispatch to a channel function, with the same {@code LambdaClient} as in the cloud. As Lambda does, it answers 202,
 * {@code RequestTooLargeException} for a payload over 1 MB, {@code ResourceNotFoundException} for an unknown
 * function and {@code TooManyRequestsException} when the invocation queue is full.
 */
public final class LambdaApi implements HttpEndpoint {

    /** The service name Lambda requests are signed for. */
    public static final String SERVICE = "lambda";
    private static final String PREFIX = "/2015-03-31/functions/";
    private static final String SUFFIX = "/invocations";

    private final AsyncFunctions invoker;
    private final SigV4 signatures;

    public LambdaApi(AsyncFunctions invoker, SigV4 signatures) {
        this.invoker = invoker;
        this.signatures = signatures;
    }

    @Override
    public Optional<HttpReply> refuseBeforeBody(HttpCall head) {
        if (!isInvoke(head)) {
            return Optional.empty();
        }
        if (head.contentLength() > LambdaLimits.ASYNC_PAYLOAD_BYTES) {
            return Optional.of(tooLarge(head.contentLength()));
        }
        return SigV4.refuseUnsigned(head, AwsErrors.Protocol.REST_JSON);
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        if (!isInvoke(call)) {
            return Optional.empty();
        }
        Optional<HttpReply> unauthenticated = signatures.refuse(call, SERVICE, AwsErrors.Protocol.REST_JSON);
        if (unauthenticated.isPresent()) {
            return unauthenticated;
        }
        String type = call.header("x-amz-invocation-type").orElse("RequestResponse");
        if (!type.equals("Event")) {
            return Optional.of(AwsErrors.restJson(400, "InvalidParameterValueException", "herald local invokes functions asynchronously only "
                    + "(X-Amz-Invocation-Type: Event); got " + type));
        }
        String function = functionName(call.path());
        if (!invoker.has(function)) {
            return Optional.of(AwsErrors.restJson(404, "ResourceNotFoundException", "Function not found: " + function));
        }
        return Optional.of(invoker.invokeAsync(function, call.body(), correlationId(call.body())).map(refused -> switch (refused.refusal()) {
            case PAYLOAD_TOO_LARGE -> tooLarge(call.body().length);
            case QUEUE_FULL -> AwsErrors.restJson(429, "TooManyRequestsException", "Rate Exceeded. " + refused.message());
        }).orElse(HttpReply.empty(202)));
    }

    private static boolean isInvoke(HttpCall call) {
        return call.method().equals("POST") && call.path().startsWith(PREFIX) && call.path().endsWith(SUFFIX);
    }

    /** {@code name}, {@code name:qualifier} or a function ARN, as Invoke takes it; the qualifier does not matter here. */
    static String functionName(String path) {
        String named = path.substring(PREFIX.length(), path.length() - SUFFIX.length());
        int at = named.indexOf(":function:");
        String name = at >= 0 ? named.substring(at + ":function:".length()) : named;
        int qualifier = name.indexOf(':');
        return qualifier >= 0 ? name.substring(0, qualifier) : name;
    }

    /** The id the events log files the invocation under: a dispatch's notification, or an event's id. */
    private static String correlationId(byte[] payload) {
        try {
            JsonNode node = Json.parse(new String(payload, StandardCharsets.UTF_8));
            String id = node.path("notificationId").asText(node.path("id").asText(""));
            return id.isEmpty() ? null : id;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static HttpReply tooLarge(long bytes) {
        return AwsErrors.restJson(413, "RequestTooLargeException", "Request must be smaller than " + LambdaLimits.ASYNC_PAYLOAD_BYTES
                + " bytes for the Event invocation type; this one is " + bytes + " bytes");
    }
}
