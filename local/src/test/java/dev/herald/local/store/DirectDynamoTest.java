package dev.herald.local.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.herald.store.HeraldTables;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The direct item operations answer exactly as DynamoDB Local's own v2 client does: each case runs the same calls
 * through both, each on an engine of its own with the same tables, and compares what comes back or what is thrown.
 */
class DirectDynamoTest {

    private static AmazonDynamoDBLocal stockEngine;
    private static AmazonDynamoDBLocal directEngine;
    private static DynamoDbClient stock;
    private static DynamoDbClient direct;
    private static final HeraldTables.Names STOCK = HeraldTables.Names.prefixed("herald");
    private static final HeraldTables.Names DIRECT = STOCK;

    @BeforeAll
    static void open() {
        stockEngine = DynamoDBEmbedded.create(true);
        directEngine = DynamoDBEmbedded.create(true);
        stock = stockEngine.dynamoDbClient();
        direct = DirectDynamo.over(directEngine);
        HeraldTables.createIfMissing(stock, STOCK);
        HeraldTables.createIfMissing(directEngine.dynamoDbClient(), DIRECT);
    }

    @AfterAll
    static void close() {
        stockEngine.shutdownNow();
        directEngine.shutdownNow();
    }

    private static <T> void sameAnswer(Function<DynamoDbClient, Function<HeraldTables.Names, T>> call) {
        assertThat(call.apply(direct).apply(DIRECT)).isEqualTo(call.apply(stock).apply(STOCK));
    }

    private static void sameFailure(Function<DynamoDbClient, Function<HeraldTables.Names, Object>> call) {
        Throwable expected = catchThrowable(() -> call.apply(stock).apply(STOCK));
        Throwable actual = catchThrowable(() -> call.apply(direct).apply(DIRECT));
        assertThat(expected).isInstanceOf(AwsServiceException.class);
        assertThat(actual).isExactlyInstanceOf(expected.getClass()).hasMessage(expected.getMessage());
        assertThat(((AwsServiceException) actual).statusCode()).isEqualTo(((AwsServiceException) expected).statusCode());
        assertThat(((AwsServiceException) actual).awsErrorDetails().errorCode()).isEqualTo(((AwsServiceException) expected).awsErrorDetails().errorCode());
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("S"));
    }

    @Test
    void putThenGet_everyAttributeType_readsBackAsTheStockClientDoes() {
        // given
        Map<String, AttributeValue> item = new java.util.HashMap<>(key("all-types"));
        item.put("s", AttributeValue.fromS("text"));
        item.put("n", AttributeValue.fromN("12.50"));
        item.put("b", AttributeValue.fromB(SdkBytes.fromUtf8String("bytes")));
        item.put("ss", AttributeValue.fromSs(List.of("a", "b")));
        item.put("ns", AttributeValue.fromNs(List.of("1", "2.5")));
        item.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x"), SdkBytes.fromUtf8String("y"))));
        item.put("m", AttributeValue.fromM(Map.of("inner", AttributeValue.fromL(List.of(AttributeValue.fromBool(true), AttributeValue.fromNul(true))))));
        item.put("emptyList", AttributeValue.fromL(List.of()));
        item.put("emptyMap", AttributeValue.fromM(Map.of()));

        // when / then
        sameAnswer(client -> tables -> client.putItem(r -> r.tableName(tables.recipients()).item(item)));
        sameAnswer(client -> tables -> client.getItem(r -> r.tableName(tables.recipients()).key(key("all-types")).consistentRead(true)));
        assertThat(direct.getItem(r -> r.tableName(DIRECT.recipients()).key(key("all-types"))).item()).containsKeys("b", "bs", "m", "emptyList", "emptyMap");
        sameAnswer(client -> tables -> client.getItem(r -> r.tableName(tables.recipients()).key(key("all-types"))
                .projectionExpression("#s, m.#i").expressionAttributeNames(Map.of("#s", "s", "#i", "inner"))));
        sameAnswer(client -> tables -> client.getItem(r -> r.tableName(tables.recipients()).key(key("missing"))));
    }

    @Test
    void conditionalWrites_conditionFails_throwTheStockExceptions() {
        // given
        sameAnswer(client -> tables -> client.putItem(r -> r.tableName(tables.recipients()).item(key("once"))
                .conditionExpression("attribute_not_exists(pk)")));

        // when / then
        sameFailure(client -> tables -> client.putItem(r -> r.tableName(tables.recipients()).item(key("once"))
                .conditionExpression("attribute_not_exists(pk)")));
        sameFailure(client -> tables -> client.updateItem(r -> r.tableName(tables.recipients()).key(key("once"))
                .updateExpression("SET #s = :s").conditionExpression("#s = :other")
                .expressionAttributeNames(Map.of("#s", "status")).expressionAttributeValues(Map.of(":s", AttributeValue.fromS("SENT"),
                        ":other", AttributeValue.fromS("PENDING")))));
        sameFailure(client -> tables -> client.deleteItem(r -> r.tableName(tables.recipients()).key(key("once")).conditionExpression("attribute_exists(nothing)")));
        assertThat(catchThrowable(() -> direct.putItem(r -> r.tableName(DIRECT.recipients()).item(key("once"))
                .conditionExpression("attribute_not_exists(pk)")))).isInstanceOf(ConditionalCheckFailedException.class);
    }

    @Test
    void badRequests_missingTableOrInvalidExpression_throwTheStockExceptions() {
        sameFailure(client -> tables -> client.getItem(r -> r.tableName("no-such-table").key(key("x"))));
        sameFailure(client -> tables -> client.updateItem(r -> r.tableName(tables.recipients()).key(key("x")).updateExpression("SET = broken")));
        sameFailure(client -> tables -> client.query(r -> r.tableName(tables.recipients()).keyConditionExpression("pk = :p")));
        assertThat(catchThrowable(() -> direct.getItem(r -> r.tableName("no-such-table").key(key("x"))))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void updateAndDelete_returnValues_answerAsTheStockClientDoes() {
        // given
        sameAnswer(client -> tables -> client.putItem(r -> r.tableName(tables.recipients()).item(Map.of("pk", AttributeValue.fromS("counted"),
                "sk", AttributeValue.fromS("S"), "count", AttributeValue.fromN("1"))).returnValues(ReturnValue.NONE)));

        // when / then
        sameAnswer(client -> tables -> client.updateItem(r -> r.tableName(tables.recipients()).key(key("counted"))
                .updateExpression("ADD #c :one SET #t = :t REMOVE #gone").expressionAttributeNames(Map.of("#c", "count", "#t", "tag", "#gone", "gone"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"), ":t", AttributeValue.fromS("x")))
                .returnValues(ReturnValue.ALL_NEW)));
        sameAnswer(client -> tables -> client.updateItem(r -> r.tableName(tables.recipients()).key(key("counted"))
                .updateExpression("SET #t = :t").expressionAttributeNames(Map.of("#t", "tag"))
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS("y"))).returnValues(ReturnValue.UPDATED_OLD)));
        sameAnswer(client -> tables -> client.putItem(r -> r.tableName(tables.recipients()).item(key("counted")).returnValues(ReturnValue.ALL_OLD)));
        sameAnswer(client -> tables -> client.deleteItem(r -> r.tableName(tables.recipients()).key(key("counted")).returnValues(ReturnValue.ALL_OLD)));
        sameAnswer(client -> tables -> client.deleteItem(r -> r.tableName(tables.recipients()).key(key("counted"))));
    }

    @Test
    void query_indexPagesAndFilters_answersAsTheStockClientDoes() {
        // given: deliveries of one recipient, read through the byRecipient index
        for (int i = 0; i < 7; i++) {
            int n = i;
            sameAnswer(client -> tables -> client.putItem(r -> r.tableName(tables.deliveries()).item(Map.of(
                    "pk", AttributeValue.fromS("N#" + n), "sk", AttributeValue.fromS("T#booking.created#C#websocket#R#u1"),
                    "recipientId", AttributeValue.fromS("u1"), "inboxKey", AttributeValue.fromS("2026-01-0" + (n + 1) + "T00:00:00Z#booking.created"),
                    "status", AttributeValue.fromS(n % 2 == 0 ? "PENDING" : "SENT")))));
        }
        var index = HeraldTables.DELIVERIES.index("byRecipient");

        // when / then: pages of three, newest first, then the rest after the last key
        Function<DynamoDbClient, Function<HeraldTables.Names, QueryResponse>> firstPage = client -> tables -> client.query(r -> r
                .tableName(tables.deliveries()).indexName(index.name()).keyConditionExpression("#r = :r")
                .expressionAttributeNames(Map.of("#r", index.partitionKey())).expressionAttributeValues(Map.of(":r", AttributeValue.fromS("u1")))
                .scanIndexForward(false).limit(3));
        sameAnswer(firstPage);
        Map<String, AttributeValue> after = firstPage.apply(direct).apply(DIRECT).lastEvaluatedKey();
        assertThat(after).isNotEmpty();
        sameAnswer(client -> tables -> client.query(r -> r.tableName(tables.deliveries()).indexName(index.name()).keyConditionExpression("#r = :r")
                .expressionAttributeNames(Map.of("#r", index.partitionKey())).expressionAttributeValues(Map.of(":r", AttributeValue.fromS("u1")))
                .scanIndexForward(false).exclusiveStartKey(after)));
        sameAnswer(client -> tables -> client.query(r -> r.tableName(tables.deliveries()).keyConditionExpression("pk = :p").filterExpression("#s = :s")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("N#4"), ":s", AttributeValue.fromS("PENDING")))
                .consistentRead(true).projectionExpression("recipientId")));
        sameAnswer(client -> tables -> client.query(r -> r.tableName(tables.deliveries()).keyConditionExpression("pk = :p").filterExpression("#s = :s")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("N#3"), ":s", AttributeValue.fromS("PENDING")))));
    }
}
