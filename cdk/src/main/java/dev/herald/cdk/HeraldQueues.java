package dev.herald.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import dev.herald.queue.QueueLimits;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Herald's queues. Dead-letter queues: encrypted, TLS only, and kept for SQS's maximum of 14 days so nothing expires
 * unseen; they outlive the stack: deleting or replacing it must not delete the notifications still waiting for a
 * redrive. Work queues: one per queue-fed function, encrypted, TLS only, with Herald's message limit and a DLQ after
 * {@link #MAX_RECEIVE_COUNT} receives, redriven with SQS's own {@code StartMessageMoveTask} (the console's "Start DLQ
 * redrive").
 */
final class HeraldQueues {

    /** Receives before SQS moves a message to its queue's DLQ: a first try and four retries backing off 5 s to 40 s. */
    static final int MAX_RECEIVE_COUNT = 5;
    /** AWS's advice for a queue an event source mapping reads: a visibility timeout of six times the function's timeout. */
    static final int VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT = 6;

    private HeraldQueues() {
    }

    /** The queue a function takes its work from, with its DLQ. */
    static Queue workQueue(Construct scope, String id, long functionTimeoutSeconds, Queue deadLetters) {
        return Queue.Builder.create(scope, id)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .maxMessageSizeBytes(QueueLimits.MESSAGE_BYTES)
                .visibilityTimeout(Duration.seconds(functionTimeoutSeconds * VISIBILITY_TIMEOUTS_PER_FUNCTION_TIMEOUT))
                .retentionPeriod(Duration.days(4))
                // like the DLQs: replacing or deleting the stack must not delete the notifications still queued
                .removalPolicy(RemovalPolicy.RETAIN)
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(MAX_RECEIVE_COUNT).build())
                .build();
    }

    static Queue deadLetterQueue(Construct scope, String id) {
        Queue queue = Queue.Builder.create(scope, id)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagSuppressions.addResourceSuppressions(queue, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is itself a dead-letter queue (a Lambda on-failure destination, an EventBridge target DLQ or a work "
                        + "queue's redrive target); "
                        + "its messages are inspected and redriven, never consumed automatically.")
                .build()));
        return queue;
    }
}
