package dev.herald.enrichment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventEnvelope;
import java.util.List;
import java.util.Optional;

/**
 * One page of a topic notification's audience still to be read: the fan-out queue's message. It carries what every
 * unit of the notification shares (the event, its enriched data) and where to read next: which of the event's
 * topics, and after which member. Pages are numbered from 0, so each is handled (and counted) once.
 */
record TopicPage(String typeId, EventEnvelope event, JsonNode data, List<String> topics, int topic, String after, int page) {

    TopicPage {
        topics = List.copyOf(topics);
    }

    /** The first page of a fan-out. */
    static TopicPage first(String typeId, EventEnvelope event, JsonNode data, List<String> topics) {
        return new TopicPage(typeId, event, data, topics, 0, null, 0);
    }

    String currentTopic() {
        return topics.get(topic);
    }

    /** The page after this one, which read {@code members} of its topic, {@code limit} at most; empty after the last. */
    Optional<TopicPage> next(List<String> members, int limit) {
        if (members.size() == limit) {
            return Optional.of(new TopicPage(typeId, event, data, topics, topic, members.getLast(), page + 1));
        }
        if (topic + 1 < topics.size()) {
            return Optional.of(new TopicPage(typeId, event, data, topics, topic + 1, null, page + 1));
        }
        return Optional.empty();
    }
}
