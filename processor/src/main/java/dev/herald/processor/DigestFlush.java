package dev.herald.processor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.queue.MessageSender;
import dev.herald.schedule.DigestBuckets;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a digest: closes its bucket and hands the processor one unit for the recipient, whose data is the latest
 * event's with {@code digest} added: {@code digest.count} events in all, {@code digest.events} with each one's data
 * (oldest first, as many as fit a queue message), {@code digest.more} and {@code digest.truncated} for those that did
 * not, and {@code digest.key}. The unit's event id is the bucket's, so flushing the same bucket again (a
 * repeated wake-up, or the window's end after it filled) notifies nothing twice.
 */
final class DigestFlush {

    private static final Logger LOG = LoggerFactory.getLogger(DigestFlush.class);
    /**
     * Room in one unit for the latest event's data and the events' together, leaving a queue message room for the
     * recipient, the envelope and JSON's escaping.
     */
    static final int DATA_BUDGET_BYTES = 160 * 1024;

    private final DigestBuckets buckets;
    private final MessageSender processorQueue;

    DigestFlush(DigestBuckets buckets, MessageSender processorQueue) {
        this.buckets = buckets;
        this.processorQueue = processorQueue;
    }

    /** Flushes bucket {@code seq} of {@code digest}; returns how many events it carried (0 for an empty or unknown bucket). */
    int flush(String digest, long seq) {
        Optional<DigestBuckets.Bucket> closed = buckets.close(digest, seq);
        if (closed.isEmpty()) {
            return 0;
        }
        EnrichedEvent unit = notificationOf(closed.get());
        processorQueue.sendAll(List.of(Json.write(unit)));
        LOG.info("digest {} of {} for recipient {}: {} event(s)", unit.event().id(), unit.typeId(), closed.get().recipient().id(),
                closed.get().entries().size());
        return closed.get().entries().size();
    }

    /** The digest's notification: the latest event's data with the digest's events added. */
    static EnrichedEvent notificationOf(DigestBuckets.Bucket bucket) {
        List<DigestBuckets.Entry> entries = bucket.entries();
        DigestBuckets.Entry latest = entries.getLast();
        ObjectNode data = latest.data().isObject() ? (ObjectNode) latest.data().deepCopy() : Json.object();
        ObjectNode digest = data.putObject("digest");
        digest.put("count", entries.size());
        digest.put("key", bucket.key());
        ArrayNode events = digest.putArray("events");
        int bytes = Json.write(latest.data()).getBytes(StandardCharsets.UTF_8).length;
        for (DigestBuckets.Entry entry : entries) {
            int size = Json.write(entry.data()).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > DATA_BUDGET_BYTES) {
                break;
            }
            bytes += size;
            events.add(entry.data());
        }
        // what did not fit is counted, so that a template can say "and N more" ({{#digest.truncated}}: a number is no condition)
        digest.put("more", entries.size() - events.size());
        digest.put("truncated", events.size() < entries.size());
        EventEnvelope event = new EventEnvelope("0", bucket.notificationId(), EventEnvelope.HERALD_SOURCE, bucket.typeId(), null,
                latest.eventTime(), null, List.of(), data);
        return EnrichedEvent.digestOf(bucket.typeId(), event, data, bucket.recipient());
    }
}
