package dev.herald.catalog;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One entry of the catalog: which events it matches, who receives it, and how.
 *
 * @param sourceRateLimit at most this many events of the type per publishing source (the event's {@code source}) in
 *                        each window, or null for no limit
 * @param timing          idempotency key, delay, cancellation, digest, quiet hours and escalation
 */
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
        EmailSettings email,
        int maxRecipients,
        List<String> allowedDomains,
        RateLimit sourceRateLimit,
        Timing timing) {

    /** Recipients an event may name when the catalog type does not say ({@code maxRecipients}). */
    public static final int DEFAULT_MAX_RECIPIENTS = 50;
    /** The most a type may allow: more belongs in a topic, whose members Herald reads itself. */
    public static final int MAX_RECIPIENTS_LIMIT = 1000;

    public NotificationType {
        pattern = pattern.deepCopy();
        channels = List.copyOf(channels);
        enrichers = List.copyOf(enrichers);
        allowedDomains = allowedDomains == null ? List.of() : List.copyOf(allowedDomains);
        timing = timing == null ? Timing.IMMEDIATE : timing;
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

    /**
     * The pattern of the events that withdraw this type's waiting notifications ({@code cancelOn}), if it has one:
     * their detail-type, from the sources the type's own pattern allows (any but Herald when it names none).
     */
    public Optional<String> cancelPattern() {
        if (timing.cancelOn() == null) {
            return Optional.empty();
        }
        ObjectNode rule = Json.object();
        if (pattern.has("source")) {
            rule.set("source", pattern.get("source").deepCopy());
        } else {
            rule.putArray("source").addObject().putArray("anything-but").add(EventEnvelope.HERALD_SOURCE);
        }
        rule.putArray("detail-type").add(timing.cancelOn().detailType());
        return Optional.of(Json.write(rule));
    }

    /**
     * Whether an address named in an event may be emailed: any address when {@code allowedDomains} is empty,
     * otherwise one whose domain is listed (case-insensitive, exact domain).
     */
    public boolean allowsDomainOf(String address) {
        if (allowedDomains.isEmpty()) {
            return true;
        }
        String domain = address.substring(address.lastIndexOf('@') + 1).strip().toLowerCase(Locale.ROOT);
        return allowedDomains.contains(domain);
    }

    public boolean isCritical() {
        return priority == Priority.CRITICAL;
    }
}
