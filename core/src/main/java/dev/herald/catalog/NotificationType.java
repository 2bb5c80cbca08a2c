package dev.herald.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import java.util.List;

/** One entry of the catalog: which events it matches, who receives it, and how. */
public record NotificationType(
        String id,
        String description,
        ObjectNode pattern,
        RecipientSpec recipients,
        String category,
        Priority priority,
        List<Channel> channels,
        DeliveryStrategy delivery,
        String defaultLocale,
        boolean enrich,
        List<EnricherSpec> enrichers,
        EmailSettings email) {

    public NotificationType {
        pattern = pattern.deepCopy();
        channels = List.copyOf(channels);
        enrichers = List.copyOf(enrichers);
    }

    /**
     * The EventBridge event pattern deployed for this type, by CDK and by the local bus alike. Herald's own events
     * are excluded unless the pattern names its sources explicitly (the catalog loader refuses {@code herald} there).
     */
    public String rulePattern() {
        ObjectNode rule = pattern.deepCopy();
        if (!rule.has("source")) {
            ObjectNode anythingBut = Json.object();
            anythingBut.putArray("anything-but").add(EventEnvelope.HERALD_SOURCE);
            ArrayNode source = Json.mapper().createArrayNode().add(anythingBut);
            ObjectNode ordered = Json.object();
            ordered.set("source", source);
            ordered.setAll(rule);
            rule = ordered;
        }
        return Json.write(rule);
    }

    public boolean isCritical() {
        return priority == Priority.CRITICAL;
    }
}
