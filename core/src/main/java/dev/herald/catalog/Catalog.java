package dev.herald.catalog;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Every notification type Herald knows, as loaded from {@code templates/catalog.yaml}. Immutable. */
public record Catalog(String source, List<NotificationType> types, Map<String, RateLimit> rateLimits) {

    public Catalog {
        types = List.copyOf(types);
        rateLimits = Map.copyOf(rateLimits);
    }

    public Catalog(String source, List<NotificationType> types) {
        this(source, types, Map.of());
    }

    /** The rate limit of a category, if it has one. */
    public Optional<RateLimit> rateLimit(String category) {
        return Optional.ofNullable(rateLimits.get(category));
    }

    public Optional<NotificationType> find(String typeId) {
        return types.stream().filter(t -> t.id().equals(typeId)).findFirst();
    }

    /** The type, or an error naming the catalog and the known types. */
    public NotificationType require(String typeId) {
        return find(typeId).orElseThrow(() -> new UnknownTypeException(typeId, this));
    }

    /** Rule name to EventBridge pattern, for every type. */
    public Map<String, String> rulePatterns() {
        Map<String, String> patterns = new LinkedHashMap<>();
        types.forEach(t -> patterns.put(t.id(), t.rulePattern()));
        return patterns;
    }

    /**
     * Category to the channels its types use, in {@link Channel} order, categories sorted: what a recipient can
     * opt out of, or unsubscribe from, and back in.
     */
    public Map<String, Set<Channel>> categoryChannels() {
        Map<String, Set<Channel>> categories = new TreeMap<>();
        types.forEach(t -> categories.computeIfAbsent(t.category(), c -> EnumSet.noneOf(Channel.class)).addAll(t.channels()));
        return categories;
    }

    public List<String> typeIds() {
        return types.stream().map(NotificationType::id).toList();
    }
}
