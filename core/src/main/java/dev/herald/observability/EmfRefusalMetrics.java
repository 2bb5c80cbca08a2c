package dev.herald.observability;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * {@link RefusalMetrics} as one CloudWatch embedded-metric-format line per refusal: namespace {@code Herald}, the one
 * dimension {@code Service}, unit Count. Exactly that shape, because the stack's alarm is defined on it (a metric with
 * any other dimension set is a different metric to CloudWatch). Lambda's log stream carries the line to CloudWatch.
 */
public final class EmfRefusalMetrics implements RefusalMetrics {

    public static final String DIMENSION = "Service";

    private final String service;
    private final Clock clock;
    private final Consumer<String> out;

    /** Writes to standard output, which Lambda sends to CloudWatch Logs. */
    public EmfRefusalMetrics(String service) {
        // looked up at each line, not bound here, so whatever System.out is then receives it
        this(service, Clock.systemUTC(), line -> System.out.println(line));
    }

    public EmfRefusalMetrics(String service, Clock clock, Consumer<String> out) {
        this.service = service;
        this.clock = clock;
        this.out = out;
    }

    @Override
    public void refused() {
        ObjectNode line = Json.object();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", EmfNotificationMetrics.NAMESPACE);
        directive.putArray("Dimensions").addArray().add(DIMENSION);
        directive.putArray("Metrics").addObject().put("Name", METRIC_NAME).put("Unit", "Count");
        line.put(DIMENSION, service);
        line.put(METRIC_NAME, 1);
        out.accept(Json.write(line));
    }
}
