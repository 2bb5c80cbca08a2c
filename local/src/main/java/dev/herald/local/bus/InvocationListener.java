package dev.herald.local.bus;

/** What the invoker reports about each invocation, for the events log and the dev UI. */
public interface InvocationListener {

    void queued(Invocation invocation);

    void started(Invocation invocation, int attempt);

    void succeeded(Invocation invocation, int attempt, byte[] response);

    /** The attempt failed and another comes after {@code delayMillis}. */
    void retrying(Invocation invocation, int attempt, String error, long delayMillis);

    /** Every attempt failed; the invocation is in the dead-letter queue under {@code deadLetterId}. */
    void deadLettered(Invocation invocation, int attempts, String error, String deadLetterId);

    InvocationListener NONE = new InvocationListener() {
        @Override
        public void queued(Invocation invocation) {
        }

        @Override
        public void started(Invocation invocation, int attempt) {
        }

        @Override
        public void succeeded(Invocation invocation, int attempt, byte[] response) {
        }

        @Override
        public void retrying(Invocation invocation, int attempt, String error, long delayMillis) {
        }

        @Override
        public void deadLettered(Invocation invocation, int attempts, String error, String deadLetterId) {
        }
    };
}
