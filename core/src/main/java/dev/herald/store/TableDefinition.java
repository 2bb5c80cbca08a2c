package dev.herald.store;

import java.util.List;
import java.util.Optional;

/**
 * A DynamoDB table's key schema, defined once: repositories, herald local, tests and the CDK stack all build from it.
 * Every key attribute is a string. {@code stream}: the table has a stream of new and old images.
 */
public record TableDefinition(String logicalName, String partitionKey, Optional<String> sortKey, List<Index> indexes, String ttlAttribute,
                              boolean stream) {

    public TableDefinition {
        indexes = List.copyOf(indexes);
    }

    /** A global secondary index. Herald's indexes project keys only, so status updates never write to them. */
    public record Index(String name, String partitionKey, String sortKey) {
    }

    public Index index(String name) {
        return indexes.stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(logicalName + " has no index " + name));
    }
}
