package dev.herald.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Herald's dead-letter queues: encrypted, TLS only, and kept for SQS's maximum of 14 days so nothing expires unseen.
 * They outlive the stack: deleting or replacing it must not delete the notifications still waiting for a redrive.
 */
final class HeraldQueues {

    private HeraldQueues() {
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
                .reason("This queue is itself a dead-letter queue (a Lambda on-failure destination or an EventBridge target DLQ); "
                        + "its messages are inspected and redriven, never consumed automatically.")
                .build()));
        return queue;
    }
}
