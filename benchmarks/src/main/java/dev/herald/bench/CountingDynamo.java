package dev.herald.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Counts DynamoDB calls by operation, to report what one notification costs. */
final class CountingDynamo {

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final DynamoDbClient client;

    CountingDynamo(DynamoDbClient target) {
        this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[]{DynamoDbClient.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() != Object.class && !method.getName().equals("close") && !method.getName().equals("serviceName")) {
                        calls.computeIfAbsent(method.getName(), m -> new LongAdder()).increment();
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    DynamoDbClient client() {
        return client;
    }

    Map<String, Long> snapshot() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        calls.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    void reset() {
        calls.clear();
    }

    long total() {
        return calls.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
