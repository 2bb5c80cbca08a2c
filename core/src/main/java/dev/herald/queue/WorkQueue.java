package dev.herald.queue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * One SQS queue Herald hands work to: sends bodies in batches within {@link QueueLimits}, sends one back for later,
 * and pushes a received message's next attempt out. Thread-safe.
 */
public final class WorkQueue implements MessageSender {

    /** Attempts at the entries of one batch that SQS answers with a failure of its own (not the sender's). */
    private static final int BATCH_ATTEMPTS = 3;

    private final SqsClient sqs;
    private final String url;

    public WorkQueue(SqsClient sqs, String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a work queue needs its URL");
        }
        this.sqs = sqs;
        this.url = url;
    }

    public String url() {
        return url;
    }

    /**
     * Sends every body, in as few {@code SendMessageBatch} calls as the limits allow. Entries SQS fails on its side
     * are sent again; throws {@link QueueSendException} when some still could not be sent, and
     * {@link IllegalArgumentException} for a body over {@link QueueLimits#MESSAGE_BYTES} (callers split first).
     */
    @Override
    public void sendAll(List<String> bodies) {
        sendAll(bodies, Duration.ZERO);
    }

    /** As {@link #sendAll(List)}, each message becoming visible after {@code delay} (at most 15 minutes). */
    public void sendAll(List<String> bodies, Duration delay) {
        int delaySeconds = (int) Math.min(QueueLimits.MAX_DELAY_SECONDS, Math.max(0, delay.toSeconds()));
        List<String> batch = new ArrayList<>();
        int batchBytes = 0;
        for (String body : bodies) {
            int bytes = body.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > QueueLimits.MESSAGE_BYTES) {
                throw new IllegalArgumentException("a message of " + bytes + " bytes is over the queue's limit of " + QueueLimits.MESSAGE_BYTES
                        + " bytes; split the work before sending it to " + url);
            }
            if (batch.size() == QueueLimits.BATCH_ENTRIES || batchBytes + bytes > QueueLimits.BATCH_BYTES) {
                sendBatch(batch, delaySeconds);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(body);
            batchBytes += bytes;
        }
        if (!batch.isEmpty()) {
            sendBatch(batch, delaySeconds);
        }
    }

    private void sendBatch(List<String> bodies, int delaySeconds) {
        Map<String, String> pending = new LinkedHashMap<>();
        for (int i = 0; i < bodies.size(); i++) {
            pending.put(Integer.toString(i), bodies.get(i));
        }
        for (int attempt = 1; ; attempt++) {
            List<SendMessageBatchRequestEntry> entries = pending.entrySet().stream()
                    .map(e -> SendMessageBatchRequestEntry.builder().id(e.getKey()).messageBody(e.getValue()).delaySeconds(delaySeconds).build())
                    .toList();
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(url).entries(entries));
            if (response.failed().isEmpty()) {
                return;
            }
            List<BatchResultErrorEntry> senderFaults = response.failed().stream().filter(BatchResultErrorEntry::senderFault).toList();
            if (!senderFaults.isEmpty()) {
                throw new IllegalArgumentException("SQS refused " + senderFaults.size() + " message(s) sent to " + url + ": " + describe(senderFaults));
            }
            Map<String, String> retry = new LinkedHashMap<>();
            response.failed().forEach(f -> retry.put(f.id(), pending.get(f.id())));
            if (attempt == BATCH_ATTEMPTS) {
                throw new QueueSendException(retry.size() + " of " + bodies.size() + " message(s) could not be sent to " + url + " after "
                        + attempt + " attempts: " + describe(response.failed()));
            }
            pending.clear();
            pending.putAll(retry);
        }
    }

    /**
     * Makes a received message visible again after {@code delay} (at most 12 hours) instead of the queue's
     * visibility timeout: how a retry backs off.
     */
    public void retryAfter(String receiptHandle, Duration delay) {
        int seconds = (int) Math.min(QueueLimits.MAX_VISIBILITY_SECONDS, Math.max(0, delay.toSeconds()));
        sqs.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(receiptHandle).visibilityTimeout(seconds));
    }

    private static String describe(List<BatchResultErrorEntry> failures) {
        return failures.stream().map(f -> f.code() + " (" + f.message() + ")").distinct().collect(Collectors.joining(", "));
    }

    /** Some messages could not be sent although they were valid: a transient failure of SQS. */
    public static final class QueueSendException extends RuntimeException {
        public QueueSendException(String message) {
            super(message);
        }
    }
}
