package dev.herald.local.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Counts DynamoDB calls by operation, to report what one notification costs (herald local, the benchmarks). */
public final class CountingDynamo {

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final DynamoDbClient client;

    public CountingDynamo(DynamoDbClient target) {
        this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[]{DynamoDbClient.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() != Object.class && !method.getName().equals("close") && !method.getName().equals("serviceName")
                            && !method.getName().equals("serviceClientConfiguration")) {
                        calls.computeIfAbsent(method.getName(), m -> new LongAdder()).increment();
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    public DynamoDbClient client() {
        return client;
    }

    /** Calls so far, by operation ({@code putItem}, {@code query}, ...). */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        calls.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    public void reset() {
        calls.clear();
    }

    public long total() {
        return calls.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
