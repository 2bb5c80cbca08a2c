package dev.herald.queue;

import java.util.List;

/**
 * A function's answer to a {@link QueueBatch} with {@code ReportBatchItemFailures} on: the messages that failed.
 * The mapping deletes every other message of the batch, and the failed ones come back once their visibility timeout
 * has passed, or go to the queue's DLQ once received {@code maxReceiveCount} times.
 */
public record BatchResponse(List<ItemFailure> batchItemFailures) {

    public static final BatchResponse ALL_DONE = new BatchResponse(List.of());

    public BatchResponse {
        batchItemFailures = List.copyOf(batchItemFailures);
    }

    public static BatchResponse failed(List<String> messageIds) {
        return new BatchResponse(messageIds.stream().map(ItemFailure::new).toList());
    }

    public record ItemFailure(String itemIdentifier) {
    }
}
