package dev.herald.local.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Counts DynamoDB calls by operation, and, while {@link #meterCapacity metering} is on, the read and write capacity
 * units they consume (tables and indexes, as DynamoDB Local reports them when asked), to report what one notification
 * costs (herald local, the benchmarks). Metering is off by default: asking DynamoDB Local for capacity slows every
 * write.
 */
public final class CountingDynamo {

    /** Capacity units consumed: what on-demand tables bill as read and write request units. */
    public record Capacity(double readUnits, double writeUnits) {
    }

    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final DoubleAdder readUnits = new DoubleAdder();
    private final DoubleAdder writeUnits = new DoubleAdder();
    private final DynamoDbClient client;
    private volatile boolean metering;

    public CountingDynamo(DynamoDbClient target) {
        this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[]{DynamoDbClient.class},
                (proxy, method, args) -> {
                    if (method.isDefault() && method.getName().endsWith("Paginator")) {
                        // the SDK's paginators call query or scan on the client they were asked of: this proxy, so that
                        // each page is counted and metered like a call made directly
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    boolean counted = method.getDeclaringClass() != Object.class && !method.getName().equals("close")
                            && !method.getName().equals("serviceName") && !method.getName().equals("serviceClientConfiguration");
                    if (counted) {
                        calls.computeIfAbsent(method.getName(), m -> new LongAdder()).increment();
                    }
                    boolean meter = counted && metering;
                    Object result;
                    try {
                        result = method.invoke(target, meter ? askForCapacity(args) : args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (meter) {
                        meter(method.getName(), result);
                    }
                    return result;
                });
    }

    /** The request (or the lambda that builds it) with ReturnConsumedCapacity=INDEXES, where the operation has it. */
    @SuppressWarnings("unchecked")
    private static Object[] askForCapacity(Object[] args) {
        if (args == null || args.length != 1) {
            return args;
        }
        if (args[0] instanceof Consumer<?> build) {
            return new Object[] {(Consumer<Object>) builder -> {
                ((Consumer<Object>) build).accept(builder);
                setIndexes(builder);
            }};
        }
        if (args[0] instanceof DynamoDbRequest request) {
            DynamoDbRequest.Builder builder = request.toBuilder();
            setIndexes(builder);
            return new Object[] {builder.build()};
        }
        return args;
    }

    private static void setIndexes(Object builder) {
        // through the public builder interface (e.g. QueryRequest.Builder): its implementation class is not accessible
        for (Class<?> type : builder.getClass().getInterfaces()) {
            try {
                type.getMethod("returnConsumedCapacity", ReturnConsumedCapacity.class).invoke(builder, ReturnConsumedCapacity.INDEXES);
                return;
            } catch (NoSuchMethodException notThisInterface) {
                // describeTable, createTable, streams...: no capacity to report
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void meter(String operation, Object response) {
        double units = 0;
        try {
            Object consumed = response.getClass().getMethod("consumedCapacity").invoke(response);
            if (consumed instanceof ConsumedCapacity one) {
                units = one.capacityUnits() == null ? 0 : one.capacityUnits();
            } else if (consumed instanceof List<?> many) {
                for (Object c : many) {
                    units += ((ConsumedCapacity) c).capacityUnits() == null ? 0 : ((ConsumedCapacity) c).capacityUnits();
                }
            }
        } catch (NoSuchMethodException | NullPointerException noCapacity) {
            return;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        boolean read = operation.startsWith("get") || operation.startsWith("query") || operation.startsWith("scan")
                || operation.startsWith("batchGet") || operation.startsWith("transactGet");
        (read ? readUnits : writeUnits).add(units);
    }

    /** Turns capacity metering on or off for the calls that follow. */
    public void meterCapacity(boolean on) {
        this.metering = on;
    }

    /** Capacity units consumed so far, while metering was on. */
    public Capacity capacity() {
        return new Capacity(readUnits.sum(), writeUnits.sum());
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
        readUnits.reset();
        writeUnits.reset();
    }

    public long total() {
        return calls.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
