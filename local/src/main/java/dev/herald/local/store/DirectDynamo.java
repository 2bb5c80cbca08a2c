package dev.herald.local.store;

import com.amazonaws.AmazonServiceException;
import com.amazonaws.services.dynamodbv2.AmazonDynamoDB;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.amazonaws.services.dynamodbv2.local.shared.access.awssdkv2.converters.AwsServiceExceptionConverter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Capacity;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ItemCollectionMetrics;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The SDK v2 {@link DynamoDbClient} over DynamoDB Local's embedded engine, with the item operations herald local's
 * handlers run per notification (get, put, update, delete, query) handed straight to the engine's own SDK v1 API.
 * DynamoDB Local's own v2 client converts every request and response by writing it as JSON and reading it back,
 * which was a sixth of herald local's CPU under load. Every other operation, and an item operation with a parameter
 * this class does not convert (the legacy {@code Expected}, {@code AttributesToGet}, ... and the capacity and
 * metrics options), goes to DynamoDB Local's own v2 client. Failures are converted by DynamoDB Local's own exception
 * converter, so callers see the same exceptions either way.
 */
final class DirectDynamo implements InvocationHandler {

    private final AmazonDynamoDB engine;
    private final DynamoDbClient fallback;

    private DirectDynamo(AmazonDynamoDB engine, DynamoDbClient fallback) {
        this.engine = engine;
        this.fallback = fallback;
    }

    static DynamoDbClient over(AmazonDynamoDBLocal local) {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[]{DynamoDbClient.class},
                new DirectDynamo(local.amazonDynamoDB(), local.dynamoDbClient()));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.isDefault() && method.getName().endsWith("Paginator")) {
            // a paginator (queryPaginator(request) among them) calls query on the client it was asked of: this proxy,
            // so that each page takes the direct path; answering the request here would return a page, not a paginator
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        Object request = args != null && args.length == 1 ? args[0] : null;
        try {
            Object answer = switch (request) {
                case PutItemRequest put when direct(put) -> putItem(put);
                case UpdateItemRequest update when direct(update) -> updateItem(update);
                case DeleteItemRequest delete when direct(delete) -> deleteItem(delete);
                case GetItemRequest get when direct(get) -> getItem(get);
                case QueryRequest query when direct(query) -> query(query);
                case null, default -> null;
            };
            if (answer != null) {
                return answer;
            }
        } catch (AmazonServiceException e) {
            throw AwsServiceExceptionConverter.convert(e);
        }
        if (method.isDefault() && request instanceof java.util.function.Consumer) {
            // putItem(r -> ...) and the like build the request and come back here with it
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        try {
            return method.invoke(fallback, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static boolean direct(PutItemRequest r) {
        return !r.hasExpected() && r.conditionalOperator() == null && r.returnConsumedCapacity() == null
                && r.returnItemCollectionMetrics() == null && r.returnValuesOnConditionCheckFailure() == null;
    }

    private static boolean direct(UpdateItemRequest r) {
        return !r.hasAttributeUpdates() && !r.hasExpected() && r.conditionalOperator() == null && r.returnConsumedCapacity() == null
                && r.returnItemCollectionMetrics() == null && r.returnValuesOnConditionCheckFailure() == null;
    }

    private static boolean direct(DeleteItemRequest r) {
        return !r.hasExpected() && r.conditionalOperator() == null && r.returnConsumedCapacity() == null
                && r.returnItemCollectionMetrics() == null && r.returnValuesOnConditionCheckFailure() == null;
    }

    private static boolean direct(GetItemRequest r) {
        return !r.hasAttributesToGet() && r.returnConsumedCapacity() == null;
    }

    private static boolean direct(QueryRequest r) {
        return !r.hasKeyConditions() && !r.hasQueryFilter() && !r.hasAttributesToGet() && r.conditionalOperator() == null
                && r.returnConsumedCapacity() == null;
    }

    private PutItemResponse putItem(PutItemRequest r) {
        var result = engine.putItem(new com.amazonaws.services.dynamodbv2.model.PutItemRequest()
                .withTableName(r.tableName())
                .withItem(toV1(r.item()))
                .withConditionExpression(r.conditionExpression())
                .withExpressionAttributeNames(r.hasExpressionAttributeNames() ? r.expressionAttributeNames() : null)
                .withExpressionAttributeValues(r.hasExpressionAttributeValues() ? toV1(r.expressionAttributeValues()) : null)
                .withReturnValues(r.returnValuesAsString()));
        PutItemResponse.Builder response = PutItemResponse.builder();
        response.consumedCapacity(toV2(result.getConsumedCapacity())).itemCollectionMetrics(toV2(result.getItemCollectionMetrics()));
        if (result.getAttributes() != null) {
            response.attributes(toV2(result.getAttributes()));
        }
        return response.build();
    }

    private UpdateItemResponse updateItem(UpdateItemRequest r) {
        var result = engine.updateItem(new com.amazonaws.services.dynamodbv2.model.UpdateItemRequest()
                .withTableName(r.tableName())
                .withKey(toV1(r.key()))
                .withUpdateExpression(r.updateExpression())
                .withConditionExpression(r.conditionExpression())
                .withExpressionAttributeNames(r.hasExpressionAttributeNames() ? r.expressionAttributeNames() : null)
                .withExpressionAttributeValues(r.hasExpressionAttributeValues() ? toV1(r.expressionAttributeValues()) : null)
                .withReturnValues(r.returnValuesAsString()));
        UpdateItemResponse.Builder response = UpdateItemResponse.builder();
        response.consumedCapacity(toV2(result.getConsumedCapacity())).itemCollectionMetrics(toV2(result.getItemCollectionMetrics()));
        if (result.getAttributes() != null) {
            response.attributes(toV2(result.getAttributes()));
        }
        return response.build();
    }

    private DeleteItemResponse deleteItem(DeleteItemRequest r) {
        var result = engine.deleteItem(new com.amazonaws.services.dynamodbv2.model.DeleteItemRequest()
                .withTableName(r.tableName())
                .withKey(toV1(r.key()))
                .withConditionExpression(r.conditionExpression())
                .withExpressionAttributeNames(r.hasExpressionAttributeNames() ? r.expressionAttributeNames() : null)
                .withExpressionAttributeValues(r.hasExpressionAttributeValues() ? toV1(r.expressionAttributeValues()) : null)
                .withReturnValues(r.returnValuesAsString()));
        DeleteItemResponse.Builder response = DeleteItemResponse.builder();
        response.consumedCapacity(toV2(result.getConsumedCapacity())).itemCollectionMetrics(toV2(result.getItemCollectionMetrics()));
        if (result.getAttributes() != null) {
            response.attributes(toV2(result.getAttributes()));
        }
        return response.build();
    }

    private GetItemResponse getItem(GetItemRequest r) {
        var result = engine.getItem(new com.amazonaws.services.dynamodbv2.model.GetItemRequest()
                .withTableName(r.tableName())
                .withKey(toV1(r.key()))
                .withConsistentRead(r.consistentRead())
                .withProjectionExpression(r.projectionExpression())
                .withExpressionAttributeNames(r.hasExpressionAttributeNames() ? r.expressionAttributeNames() : null));
        GetItemResponse.Builder response = GetItemResponse.builder().consumedCapacity(toV2(result.getConsumedCapacity()));
        if (result.getItem() != null) {
            response.item(toV2(result.getItem()));
        }
        return response.build();
    }

    private QueryResponse query(QueryRequest r) {
        var result = engine.query(new com.amazonaws.services.dynamodbv2.model.QueryRequest()
                .withTableName(r.tableName())
                .withIndexName(r.indexName())
                .withKeyConditionExpression(r.keyConditionExpression())
                .withFilterExpression(r.filterExpression())
                .withProjectionExpression(r.projectionExpression())
                .withExpressionAttributeNames(r.hasExpressionAttributeNames() ? r.expressionAttributeNames() : null)
                .withExpressionAttributeValues(r.hasExpressionAttributeValues() ? toV1(r.expressionAttributeValues()) : null)
                .withSelect(r.selectAsString())
                .withLimit(r.limit())
                .withConsistentRead(r.consistentRead())
                .withScanIndexForward(r.scanIndexForward())
                .withExclusiveStartKey(r.hasExclusiveStartKey() ? toV1(r.exclusiveStartKey()) : null));
        List<Map<String, AttributeValue>> items = new ArrayList<>(result.getItems() == null ? 0 : result.getItems().size());
        if (result.getItems() != null) {
            result.getItems().forEach(item -> items.add(toV2(item)));
        }
        QueryResponse.Builder response = QueryResponse.builder().items(items).count(result.getCount()).scannedCount(result.getScannedCount())
                .consumedCapacity(toV2(result.getConsumedCapacity()));
        if (result.getLastEvaluatedKey() != null) {
            response.lastEvaluatedKey(toV2(result.getLastEvaluatedKey()));
        }
        return response.build();
    }

    /** DynamoDB Local reports consumed capacity even when not asked to; passed on as its own client does. */
    private static ConsumedCapacity toV2(com.amazonaws.services.dynamodbv2.model.ConsumedCapacity c) {
        if (c == null) {
            return null;
        }
        return ConsumedCapacity.builder().tableName(c.getTableName()).capacityUnits(c.getCapacityUnits())
                .readCapacityUnits(c.getReadCapacityUnits()).writeCapacityUnits(c.getWriteCapacityUnits())
                .table(toV2(c.getTable()))
                .localSecondaryIndexes(c.getLocalSecondaryIndexes() == null ? null : toV2Capacities(c.getLocalSecondaryIndexes()))
                .globalSecondaryIndexes(c.getGlobalSecondaryIndexes() == null ? null : toV2Capacities(c.getGlobalSecondaryIndexes()))
                .build();
    }

    private static Map<String, Capacity> toV2Capacities(Map<String, com.amazonaws.services.dynamodbv2.model.Capacity> capacities) {
        Map<String, Capacity> out = new HashMap<>();
        capacities.forEach((name, c) -> out.put(name, toV2(c)));
        return out;
    }

    private static Capacity toV2(com.amazonaws.services.dynamodbv2.model.Capacity c) {
        return c == null ? null : Capacity.builder().capacityUnits(c.getCapacityUnits()).readCapacityUnits(c.getReadCapacityUnits())
                .writeCapacityUnits(c.getWriteCapacityUnits()).build();
    }

    private static ItemCollectionMetrics toV2(com.amazonaws.services.dynamodbv2.model.ItemCollectionMetrics m) {
        return m == null ? null : ItemCollectionMetrics.builder()
                .itemCollectionKey(m.getItemCollectionKey() == null ? null : toV2(m.getItemCollectionKey()))
                .sizeEstimateRangeGB(m.getSizeEstimateRangeGB()).build();
    }

    static Map<String, com.amazonaws.services.dynamodbv2.model.AttributeValue> toV1(Map<String, AttributeValue> values) {
        Map<String, com.amazonaws.services.dynamodbv2.model.AttributeValue> out = new HashMap<>(values.size() * 2);
        values.forEach((name, value) -> out.put(name, toV1(value)));
        return out;
    }

    static com.amazonaws.services.dynamodbv2.model.AttributeValue toV1(AttributeValue v) {
        var out = new com.amazonaws.services.dynamodbv2.model.AttributeValue();
        switch (v.type()) {
            case S -> out.setS(v.s());
            case N -> out.setN(v.n());
            case B -> out.setB(ByteBuffer.wrap(v.b().asByteArray()));
            case SS -> out.setSS(v.ss());
            case NS -> out.setNS(v.ns());
            case BS -> out.setBS(v.bs().stream().map(b -> ByteBuffer.wrap(b.asByteArray())).toList());
            case M -> out.setM(toV1(v.m()));
            case L -> out.setL(v.l().stream().map(DirectDynamo::toV1).toList());
            case BOOL -> out.setBOOL(v.bool());
            case NUL -> out.setNULL(v.nul());
            default -> throw new IllegalArgumentException("an attribute value with no type this SDK knows: " + v);
        }
        return out;
    }

    static Map<String, AttributeValue> toV2(Map<String, com.amazonaws.services.dynamodbv2.model.AttributeValue> values) {
        Map<String, AttributeValue> out = new HashMap<>(values.size() * 2);
        values.forEach((name, value) -> out.put(name, toV2(value)));
        return out;
    }

    static AttributeValue toV2(com.amazonaws.services.dynamodbv2.model.AttributeValue v) {
        if (v.getS() != null) {
            return AttributeValue.fromS(v.getS());
        }
        if (v.getN() != null) {
            return AttributeValue.fromN(v.getN());
        }
        if (v.getB() != null) {
            return AttributeValue.fromB(SdkBytes.fromByteBuffer(v.getB()));
        }
        if (v.getSS() != null) {
            return AttributeValue.fromSs(v.getSS());
        }
        if (v.getNS() != null) {
            return AttributeValue.fromNs(v.getNS());
        }
        if (v.getBS() != null) {
            List<SdkBytes> bytes = new ArrayList<>(v.getBS().size());
            for (ByteBuffer b : v.getBS()) {
                bytes.add(SdkBytes.fromByteBuffer(b));
            }
            return AttributeValue.fromBs(bytes);
        }
        if (v.getM() != null) {
            return AttributeValue.fromM(toV2(v.getM()));
        }
        if (v.getL() != null) {
            return AttributeValue.fromL(v.getL().stream().map(DirectDynamo::toV2).toList());
        }
        if (v.getBOOL() != null) {
            return AttributeValue.fromBool(v.getBOOL());
        }
        if (v.getNULL() != null) {
            return AttributeValue.fromNul(v.getNULL());
        }
        throw new IllegalStateException("DynamoDB Local returned an attribute value with no type: " + v);
    }
}
