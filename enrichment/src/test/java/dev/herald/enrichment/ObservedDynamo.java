package dev.herald.enrichment;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * DynamoDB Local as enrichment sees it, watched: how many recipients' partitions were queried, how many queries ran
 * at once at most (each optionally made slower, as a remote table would be), and the {@code BatchGetItem} calls.
 */
final class ObservedDynamo implements DynamoDbClient {

    private final DynamoDbClient delegate;
    private final Duration readLatency;
    final AtomicInteger recipientReads = new AtomicInteger();
    final AtomicInteger maxConcurrentReads = new AtomicInteger();
    /** {@code BatchGetItem} calls, and the keys they asked for. */
    final AtomicInteger batchReads = new AtomicInteger();
    final AtomicInteger batchKeys = new AtomicInteger();
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
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        batchReads.incrementAndGet();
        request.requestItems().values().forEach(keys -> batchKeys.addAndGet(keys.keys().size()));
        return delegate.batchGetItem(request);
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        return delegate.transactWriteItems(request);
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return delegate.updateItem(request);
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
