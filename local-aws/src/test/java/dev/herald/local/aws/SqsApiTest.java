package dev.herald.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.queue.QueueLimits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * herald local's SQS through the real SDK: ElasticMQ's semantics behind SigV4 verification, on the one port.
 */
class SqsApiTest {

    @AutoClose
    private final LocalAws aws = LocalAws.start();
    private final SqsClient sqs = aws.client(SqsClient.builder());
    private final LocalQueues.Queue queue = aws.queues().create("work", new LocalQueues.Settings(Duration.ofSeconds(1), 2));

    @Test
    void sendMessageBatch_signedWithIssuedCredentials_isQueuedAtTheUrlOnHeraldsPort() {
        // when
        var response = sqs.sendMessageBatch(r -> r.queueUrl(queue.url()).entries(
                SendMessageBatchRequestEntry.builder().id("a").messageBody("one").build(),
                SendMessageBatchRequestEntry.builder().id("b").messageBody("two").build()));

        // then
        assertThat(queue.url()).startsWith(aws.uri().toString());
        assertThat(response.successful()).hasSize(2);
        List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queue.url()).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
        assertThat(received).extracting(Message::body).containsExactlyInAnyOrder("one", "two");
    }

    @Test
    void anyCall_signedWithKeysNotIssuedHere_isRefusedAsAwsRefusesIt_andQueuesNothing() {
        try (SqsClient stranger = SqsClient.builder().endpointOverride(aws.uri()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            // when / then
            assertThatThrownBy(() -> stranger.sendMessage(r -> r.queueUrl(queue.url()).messageBody("sneaky")))
                    .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
            assertThat(aws.queues().depths()).allSatisfy(depth -> assertThat(depth.total()).isZero());
        }
    }

    @Test
    void sendMessage_overTheQueuesMessageSize_isRefused() {
        // when / then
        assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(queue.url()).messageBody("x".repeat(QueueLimits.MESSAGE_BYTES + 1))))
                .isInstanceOf(SqsException.class).hasMessageContaining("MessageTooLong");
    }

    @Test
    void aMessageReceivedMaxReceiveCountTimes_goesToTheDlq_andARedriveMovesItBack() throws Exception {
        // given: received twice and never deleted (maxReceiveCount 2, visibility 1 s)
        sqs.sendMessage(r -> r.queueUrl(queue.url()).messageBody("poison"));
        for (int receive = 1; receive <= 2; receive++) {
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(queue.url()).waitTimeSeconds(2)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
            assertThat(got).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("poison"));
        }

        // when: the third receive finds it gone to the DLQ
        List<Message> third = sqs.receiveMessage(r -> r.queueUrl(queue.url()).waitTimeSeconds(2)).messages();

        // then
        assertThat(third).isEmpty();
        assertThat(depth("work-dlq").visible()).isEqualTo(1);

        // and when redriven with StartMessageMoveTask
        assertThat(aws.queues().redrive("work")).isEqualTo(1);

        // then it is back in its queue
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (depth("work").visible() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(depth("work").visible()).isEqualTo(1);
        assertThat(depth("work-dlq").total()).isZero();
    }

    @Test
    void matchingFault_onAQueue_answersAServerError_forThatQueueOnly() {
        // given
        LocalQueues.Queue other = aws.queues().create("other", new LocalQueues.Settings(Duration.ofSeconds(30), 3));
        aws.faults().addMatching("sqs", "5xx", "work");

        // when / then
        assertThatThrownBy(() -> sqs.sendMessage(r -> r.queueUrl(queue.url()).messageBody("lost?")))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        sqs.sendMessage(r -> r.queueUrl(other.url()).messageBody("fine"));
        assertThat(depth("other").visible()).isEqualTo(1);
    }

    private LocalQueues.Depth depth(String name) {
        return aws.queues().depth(name);
    }
}
