package dev.herald.local.bus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The recent events herald local received and what became of each: the rules it matched (or that none did), and
 * every invocation it caused with its attempts, result or error. Kept in memory (the last {@code capacity} events);
 * the deliveries themselves are in DynamoDB. Thread-safe.
 */
public final class EventLog implements InvocationListener {

    /** What is known about one event; a snapshot, safe to serialize. */
    public record Entry(String eventId, String source, String detailType, String via, Instant receivedAt, List<String> matched,
                        String state, String note, List<Step> steps) {
    }

    /** One invocation caused by the event. {@code status}: QUEUED, RUNNING, SUCCEEDED, RETRYING, DEAD_LETTERED, REDRIVEN. */
    public record Step(String invocationId, String target, String status, int attempts, String error, JsonNode result,
                       String deadLetterId, Instant at) {
    }

    public static final String UNMATCHED = "UNMATCHED";
    /** Herald's own events (source herald), such as Delivery Status: published for subscribers, never routed by Herald. */
    public static final String PUBLISHED = "PUBLISHED";

    private static final int MAX_RESULT_CHARS = 4000;
    /** Steps kept per event: a topic's fan-out runs thousands of queue messages, of which the first ones show how it went. */
    static final int MAX_STEPS = 100;

    private final int capacity;
    private final Clock clock;
    private final LinkedHashMap<String, MutableEntry> entries = new LinkedHashMap<>();

    public EventLog(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    private long received;
    private long receivedFromHerald;

    /** Records an event as the bus received it, with the rules it matched. */
    public synchronized void received(EventEnvelope event, String via, List<String> matched, String note) {
        received++;
        if (EventEnvelope.HERALD_SOURCE.equals(event.source())) {
            receivedFromHerald++;
        }
        MutableEntry entry = entry(event.id());
        entry.source = event.source();
        entry.detailType = event.detailType();
        entry.via = via;
        entry.receivedAt = clock.instant();
        entry.matched = List.copyOf(matched);
        entry.note = note;
    }

    /** Events the bus has received since start, all kept or not: what EventBridge bills as events published. */
    public synchronized long received() {
        return received;
    }

    /** Of those, Herald's own ({@code source: herald}). */
    public synchronized long receivedFromHerald() {
        return receivedFromHerald;
    }

    public synchronized Optional<Entry> find(String eventId) {
        MutableEntry entry = entries.get(eventId);
        return entry == null ? Optional.empty() : Optional.of(entry.snapshot());
    }

    /** The newest events first. */
    public synchronized List<Entry> recent(int limit) {
        List<Entry> list = new ArrayList<>();
        List<MutableEntry> all = new ArrayList<>(entries.values());
        for (int i = all.size() - 1; i >= 0 && list.size() < limit; i--) {
            list.add(all.get(i).snapshot());
        }
        return list;
    }

    @Override
    public void queued(Invocation invocation) {
        step(invocation, s -> s.status = "QUEUED");
    }

    @Override
    public void started(Invocation invocation, int attempt) {
        step(invocation, s -> {
            s.status = "RUNNING";
            s.attempts = attempt;
        });
    }

    @Override
    public void succeeded(Invocation invocation, int attempt, byte[] response) {
        step(invocation, s -> {
            s.status = "SUCCEEDED";
            s.attempts = attempt;
            s.error = null;
            s.result = result(response);
        });
    }

    @Override
    public void retrying(Invocation invocation, int attempt, String error, long delayMillis) {
        step(invocation, s -> {
            s.status = "RETRYING";
            s.attempts = attempt;
            s.error = error;
        });
    }

    @Override
    public void deadLettered(Invocation invocation, int attempts, String error, String deadLetterId) {
        step(invocation, s -> {
            s.status = "DEAD_LETTERED";
            s.attempts = attempts;
            s.error = error;
            s.deadLetterId = deadLetterId;
        });
    }

    /** A dead letter of this log was redriven: its step no longer counts as failed. */
    public synchronized void redriven(String deadLetterId) {
        for (MutableEntry entry : entries.values()) {
            for (MutableStep step : entry.steps.values()) {
                if (deadLetterId.equals(step.deadLetterId)) {
                    step.status = "REDRIVEN";
                    step.at = clock.instant();
                }
            }
        }
    }

    private synchronized void step(Invocation invocation, java.util.function.Consumer<MutableStep> change) {
        if (invocation.eventId() == null) {
            return;
        }
        MutableEntry entry = entry(invocation.eventId());
        if (!entry.steps.containsKey(invocation.id()) && entry.steps.size() >= MAX_STEPS) {
            return;
        }
        MutableStep step = entry.steps.computeIfAbsent(invocation.id(), id -> new MutableStep(id, invocation.target()));
        change.accept(step);
        step.at = clock.instant();
    }

    private MutableEntry entry(String eventId) {
        MutableEntry entry = entries.get(eventId);
        if (entry == null) {
            entry = new MutableEntry(eventId);
            entries.put(eventId, entry);
            if (entries.size() > capacity) {
                entries.remove(entries.keySet().iterator().next());
            }
        }
        return entry;
    }

    private static JsonNode result(byte[] response) {
        String text = new String(response, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return null;
        }
        if (text.length() > MAX_RESULT_CHARS) {
            return Json.mapper().getNodeFactory().textNode(text.substring(0, MAX_RESULT_CHARS) + "…");
        }
        try {
            return Json.parse(text);
        } catch (RuntimeException e) {
            return Json.mapper().getNodeFactory().textNode(text);
        }
    }

    private static final class MutableEntry {
        final String eventId;
        String source;
        String detailType;
        String via;
        Instant receivedAt;
        List<String> matched = List.of();
        String note;
        final Map<String, MutableStep> steps = new LinkedHashMap<>();

        MutableEntry(String eventId) {
            this.eventId = eventId;
        }

        Entry snapshot() {
            List<Step> list = steps.values().stream()
                    .map(s -> new Step(s.id, s.target, s.status, s.attempts, s.error, s.result, s.deadLetterId, s.at)).toList();
            return new Entry(eventId, source, detailType, via, receivedAt, matched, state(list), note, list);
        }

        private String state(List<Step> list) {
            if (receivedAt != null && matched.isEmpty()) {
                return EventEnvelope.HERALD_SOURCE.equals(source) ? PUBLISHED : UNMATCHED;
            }
            if (list.stream().anyMatch(s -> s.status().equals("DEAD_LETTERED"))) {
                return "FAILED";
            }
            if (list.stream().allMatch(s -> s.status().equals("SUCCEEDED") || s.status().equals("REDRIVEN"))) {
                return "DONE";
            }
            return "IN_PROGRESS";
        }
    }

    private static final class MutableStep {
        final String id;
        final String target;
        String status;
        int attempts;
        String error;
        JsonNode result;
        String deadLetterId;
        Instant at;

        MutableStep(String id, String target) {
            this.id = id;
            this.target = target;
        }
    }
}
