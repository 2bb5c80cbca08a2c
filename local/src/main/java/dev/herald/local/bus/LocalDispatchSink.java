package dev.herald.local.bus;

import dev.herald.catalog.Channel;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchSink;
import dev.herald.json.Json;
import java.util.Map;

/**
 * The processor's hand-off to the channels in herald local: an asynchronous invocation of the channel's function,
 * with the same retries and DLQ as Lambda's asynchronous invoke in the cloud.
 */
public final class LocalDispatchSink implements DispatchSink {

    private final AsyncInvoker invoker;
    private final Map<Channel, String> functions;

    public LocalDispatchSink(AsyncInvoker invoker, Map<Channel, String> functions) {
        this.invoker = invoker;
        this.functions = Map.copyOf(functions);
    }

    @Override
    public void send(Dispatch dispatch) {
        String function = functions.get(dispatch.channel());
        if (function == null || !invoker.has(function)) {
            throw new IllegalStateException("herald local has no handler for the " + dispatch.channel().id() + " channel");
        }
        invoker.invoke(function, Json.writeBytes(dispatch), dispatch.notificationId());
    }
}
