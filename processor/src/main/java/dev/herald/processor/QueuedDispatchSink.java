package dev.herald.processor;

import dev.herald.catalog.Channel;
import dev.herald.config.HeraldEnv;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchSink;
import dev.herald.lambda.Wiring;
import dev.herald.queue.MessageSplitter;
import dev.herald.queue.WorkQueue;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Hands dispatches to their channel's SQS queue with {@code SendMessageBatch}, ten messages (or 256 KiB) at a time,
 * each message carrying at most {@link Dispatch#MAX_RECIPIENTS} recipients and fitting the queue's message limit.
 * The channel's event source mapping takes them from there, with partial batch failures, backoff and a DLQ.
 */
final class QueuedDispatchSink implements DispatchSink {

    private final Map<Channel, WorkQueue> queues;

    QueuedDispatchSink(Map<Channel, WorkQueue> queues) {
        this.queues = Map.copyOf(queues);
    }

    static QueuedDispatchSink of(Wiring wiring) {
        return new QueuedDispatchSink(Map.of(
                Channel.WEBSOCKET, wiring.queue(HeraldEnv.WEBSOCKET_QUEUE_URL),
                Channel.PUSH, wiring.queue(HeraldEnv.PUSH_QUEUE_URL),
                Channel.EMAIL, wiring.queue(HeraldEnv.EMAIL_QUEUE_URL)));
    }

    @Override
    public void sendAll(List<Dispatch> dispatches) {
        Map<Channel, List<String>> byChannel = new EnumMap<>(Channel.class);
        for (Dispatch dispatch : dispatches) {
            byChannel.computeIfAbsent(dispatch.channel(), c -> new ArrayList<>())
                    .addAll(MessageSplitter.split(dispatch.recipients(), Dispatch.MAX_RECIPIENTS, dispatch::withRecipients));
        }
        byChannel.forEach((channel, bodies) -> queues.get(channel).sendAll(bodies));
    }
}
