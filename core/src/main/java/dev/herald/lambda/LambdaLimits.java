package dev.herald.lambda;

/** Lambda's limits that Herald's hand-offs must meet, in one place for the handlers and herald local. */
public final class LambdaLimits {

    /**
     * The largest payload of an asynchronous invocation, and so of an on-success destination record, which holds the
     * request and the response payloads: 1 MB. Lambda refuses a larger Invoke, and drops a larger record.
     */
    public static final int ASYNC_PAYLOAD_BYTES = 1_048_576;

    private LambdaLimits() {
    }
}
