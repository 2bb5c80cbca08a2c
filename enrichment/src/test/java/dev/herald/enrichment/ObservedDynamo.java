package dev.herald.enrichment;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * DynamoDB Local as enrichment sees it, watched: how many recipients' partitions were read, how many reads ran at
 * once at most, optionally each read made slower, as a remote table would be.
 */
final class ObservedDynamo implements DynamoDbClient {

    private final DynamoDbClient delegate;
    private final Duration readLatency;
    final AtomicInteger recipientReads = new AtomicInteger();
    final AtomicInteger maxConcurrentReads = new AtomicInteger();
    private final AtomicInteger concurrentReads = new AtomicInteger();

    ObservedDynamo(DynamoDbClient delegate, Duration readLatency) {
        this.delegate = delegate;
        this.readLatency = readLatency;
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        if (!request.expressionAttributeValues().get(":pk").s().startsWith("USER#")) {
            return delegate.query(request);
        }
        recipientReads.incrementAndGet();
        int now = concurrentReads.incrementAndGet();
        maxConcurrentReads.accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(readLatency);
            return delegate.query(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            concurrentReads.decrementAndGet();
        }
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return delegate.getItem(request);
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return delegate.putItem(request);
    }

    @Override
    public BatchWriteItemResponse batchWriteItem(BatchWriteItemRequest request) {
        return delegate.batchWriteItem(request);
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
    }
}
