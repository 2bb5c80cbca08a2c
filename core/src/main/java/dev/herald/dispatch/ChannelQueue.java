package dev.herald.dispatch;

import dev.herald.config.HeraldEnv;
import dev.herald.fanout.FanOutProgress;
import dev.herald.lambda.Wiring;
import dev.herald.queue.RetryBackoff;
import dev.herald.queue.TokenBucket;
import dev.herald.queue.WorkQueue;

/**
 * How a channel function takes its work: the SQS queue its event source mapping reads (and where it sends throttled
 * recipients back to), how a failed dispatch backs off, the pace of its sends in one execution environment, and
 * where it counts what it sent of a topic's fan-out.
 */
public record ChannelQueue(WorkQueue queue, RetryBackoff backoff, TokenBucket pace, FanOutProgress progress) {

    /** As Lambda configures it: the queue at {@code url}, {@code HERALD_RETRY_BASE_SECONDS} and {@code HERALD_SEND_RATE}. */
    public static ChannelQueue of(Wiring wiring, HeraldEnv url) {
        return new ChannelQueue(wiring.queue(url), wiring.retryBackoff(), wiring.sendRate(), wiring.fanOutProgress());
    }
}
