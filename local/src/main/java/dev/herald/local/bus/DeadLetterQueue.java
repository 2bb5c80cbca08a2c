package dev.herald.local.bus;

import dev.herald.local.store.LocalTable;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * herald local's DLQ: failed invocations in the local table (so {@code --data} keeps them), listed oldest first and
 * taken out when redriven. Thread-safe (DynamoDB is the only state).
 */
public final class DeadLetterQueue {

    private static final String PARTITION = "DLQ";

    private final LocalTable table;

    public DeadLetterQueue(LocalTable table) {
        this.table = table;
    }

    public void add(DeadLetter letter) {
        table.put(PARTITION, letter.id(), Map.of(
                "target", letter.target(),
                "eventId", letter.eventId() == null ? "" : letter.eventId(),
                "payload", letter.payload(),
                "error", letter.error() == null ? "" : letter.error(),
                "attempts", Integer.toString(letter.attempts()),
                "failedAt", letter.failedAt().toString()));
    }

    public List<DeadLetter> list() {
        return table.list(PARTITION).stream().map(DeadLetterQueue::letter)
                .sorted(Comparator.comparing(DeadLetter::failedAt)).toList();
    }

    public Optional<DeadLetter> find(String id) {
        return table.get(PARTITION, id).map(DeadLetterQueue::letter);
    }

    /** Removes the letter; true when this call removed it (so two redrives of one letter cannot both run it). */
    public boolean remove(String id) {
        return table.delete(PARTITION, id);
    }

    private static DeadLetter letter(Map<String, String> item) {
        return new DeadLetter(item.get("key"), item.get("target"), blankToNull(item.get("eventId")), item.get("payload"),
                item.get("error"), Integer.parseInt(item.getOrDefault("attempts", "0")), Instant.parse(item.get("failedAt")));
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
