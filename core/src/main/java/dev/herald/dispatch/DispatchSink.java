package dev.herald.dispatch;

import java.util.List;

/**
 * Where the processor hands dispatches to the channels: each channel's SQS queue, read by the channel function's
 * event source mapping (in AWS and in herald local alike).
 */
public interface DispatchSink {

    /** Hands over the dispatches. Throws only when the hand-off itself failed (a transient error). */
    void sendAll(List<Dispatch> dispatches);
}
