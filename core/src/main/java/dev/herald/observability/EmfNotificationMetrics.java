package dev.herald.observability;

import dev.herald.catalog.Channel;
import java.util.EnumMap;
import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsBuilder;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** Notification counts as CloudWatch embedded-metric-format lines, one per channel, via Powertools Metrics. */
public final class EmfNotificationMetrics implements NotificationMetrics {

    public static final String NAMESPACE = "Herald";

    private final Metrics metrics;
    private final Map<Channel, Map<Outcome, Integer>> counts = new EnumMap<>(Channel.class);

    public EmfNotificationMetrics(String service) {
        this.metrics = MetricsBuilder.builder().withNamespace(NAMESPACE).withService(service).build();
    }

    @Override
    public synchronized void count(Outcome outcome, Channel channel, int count) {
        if (count > 0) {
            counts.computeIfAbsent(channel, c -> new EnumMap<>(Outcome.class)).merge(outcome, count, Integer::sum);
        }
    }

    @Override
    public synchronized void flush() {
        counts.forEach((channel, byOutcome) -> metrics.flushMetrics(m -> {
            m.setDefaultDimensions(DimensionSet.of("Channel", channel.id()));
            byOutcome.forEach((outcome, n) -> m.addMetric(outcome.metricName(), n, MetricUnit.COUNT));
        }));
        counts.clear();
    }
}
