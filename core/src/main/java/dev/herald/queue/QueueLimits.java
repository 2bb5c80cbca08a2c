package dev.herald.queue;

/**
 * The SQS limits Herald's queues are built to, in one place for the senders, the CDK stack and herald local.
 *
 * <p>SQS accepts messages of up to 1 MiB, but an event source mapping hands Lambda up to ten in one synchronous
 * invocation, whose payload is limited to 6 MB; Herald's queues are created with a 256 KiB maximum, so a full batch
 * of ten always fits. A batch is kept to 256 KiB in total too: AWS allows 1 MiB, ElasticMQ (herald local's SQS)
 * refuses more than 256 KiB, and the stricter limit costs a few more calls only for unusually large messages.
 */
public final class QueueLimits {

    /** Bytes of one message body: the {@code MaximumMessageSize} every Herald queue is created with. */
    public static final int MESSAGE_BYTES = 262_144;
    /** Entries in one {@code SendMessageBatch}, {@code DeleteMessageBatch} or {@code ReceiveMessage}. */
    public static final int BATCH_ENTRIES = 10;
    /** Bytes of all the bodies in one {@code SendMessageBatch}. */
    public static final int BATCH_BYTES = 262_144;
    /** The longest {@code DelaySeconds} SQS takes: 15 minutes. */
    public static final int MAX_DELAY_SECONDS = 900;
    /** The longest visibility timeout SQS takes: 12 hours. */
    public static final int MAX_VISIBILITY_SECONDS = 43_200;

    private QueueLimits() {
    }
}
