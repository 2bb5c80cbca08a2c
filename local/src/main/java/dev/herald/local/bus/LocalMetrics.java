package dev.herald.local.bus;

import dev.herald.catalog.Channel;
import dev.herald.observability.NotificationMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The handlers' notification counts, kept in memory for the dev UI (the cloud writes them as EMF metrics). */
public final class LocalMetrics implements NotificationMetrics {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void count(Outcome outcome, Channel channel, int count) {
        counts.computeIfAbsent(outcome.metricName() + "." + channel.id(), k -> new LongAdder()).add(count);
    }

    @Override
    public void flush() {
        // nothing to write out: the counts are read live
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
