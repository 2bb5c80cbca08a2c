package dev.herald.dispatch;

/**
 * Where the processor hands dispatches to the channels. In AWS this is an asynchronous Lambda invoke of the
 * channel's function (Lambda retries it and sends what still fails to the DLQ); herald local queues it to the
 * channel handler with the same retry semantics.
 */
public interface DispatchSink {

    /** Hands over one dispatch. Throws only when the hand-off itself failed (a transient error). */
    void send(Dispatch dispatch);
}
