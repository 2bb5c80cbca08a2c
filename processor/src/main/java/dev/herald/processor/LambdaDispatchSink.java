package dev.herald.processor;

import dev.herald.catalog.Channel;
import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchSink;
import dev.herald.json.Json;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Hands each dispatch to its channel's Lambda as an asynchronous invoke: Lambda queues it, retries failures twice
 * with backoff, and sends what still fails to the function's on-failure destination (the DLQ).
 */
final class LambdaDispatchSink implements DispatchSink {

    private final LambdaClient lambda;
    private final Map<Channel, String> functions;

    LambdaDispatchSink(LambdaClient lambda, HeraldConfig config) {
        this.lambda = lambda;
        this.functions = Map.of(
                Channel.WEBSOCKET, config.require(HeraldEnv.WEBSOCKET_FUNCTION),
                Channel.PUSH, config.require(HeraldEnv.PUSH_FUNCTION),
                Channel.EMAIL, config.require(HeraldEnv.EMAIL_FUNCTION));
    }

    @Override
    public void send(Dispatch dispatch) {
        lambda.invoke(r -> r.functionName(functions.get(dispatch.channel()))
                .invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromByteArray(Json.writeBytes(dispatch))));
    }
}
