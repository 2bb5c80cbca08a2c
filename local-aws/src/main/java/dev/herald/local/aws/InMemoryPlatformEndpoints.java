package dev.herald.local.aws;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Platform endpoints in memory, in ARN order, for tests. Thread-safe. */
public final class InMemoryPlatformEndpoints implements PlatformEndpointStore {

    private final Map<String, Map<String, String>> endpoints = new ConcurrentSkipListMap<>();

    @Override
    public void put(String arn, Map<String, String> attributes) {
        Map<String, String> item = new HashMap<>(attributes);
        item.put(ARN, arn);
        endpoints.put(arn, Map.copyOf(item));
    }

    @Override
    public Optional<Map<String, String>> get(String arn) {
        return Optional.ofNullable(endpoints.get(arn));
    }

    @Override
    public void delete(String arn) {
        endpoints.remove(arn);
    }

    @Override
    public List<Map<String, String>> list() {
        return new ArrayList<>(endpoints.values());
    }
}
