package dev.herald.local.aws;

import java.util.Optional;

/** The functions the Lambda stand-in invokes asynchronously: herald local's invoker, or a recording one in tests. */
public interface AsyncFunctions {

    /** Why an invocation was not queued. */
    enum Refusal { PAYLOAD_TOO_LARGE, QUEUE_FULL }

    /** A refusal and what to tell the caller. */
    record Refused(Refusal refusal, String message) {
    }

    boolean has(String function);

    /**
     * Queues one asynchronous invocation of {@code function}; empty when queued.
     *
     * @param correlationId the id the invocation is logged under, or null
     */
    Optional<Refused> invokeAsync(String function, byte[] payload, String correlationId);
}
