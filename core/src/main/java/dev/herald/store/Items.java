package dev.herald.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reading and writing DynamoDB attribute maps without ceremony. Absent values are simply left out of items. */
public final class Items {

    private Items() {
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** A fresh item builder; {@code null} values are skipped so that optional fields stay absent. */
    public static Builder item() {
        return new Builder();
    }

    public static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    public static Optional<String> optionalString(Map<String, AttributeValue> item, String name) {
        return Optional.ofNullable(string(item, name));
    }

    public static long number(Map<String, AttributeValue> item, String name, long fallback) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? fallback : Long.parseLong(value.n());
    }

    public static boolean bool(Map<String, AttributeValue> item, String name, boolean fallback) {
        AttributeValue value = item.get(name);
        return value == null || value.bool() == null ? fallback : value.bool();
    }

    public static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = string(item, name);
        return value == null ? null : Instant.parse(value);
    }

    public static final class Builder {
        private final Map<String, AttributeValue> values = new HashMap<>();

        public Builder s(String name, String value) {
            if (value != null) {
                values.put(name, AttributeValue.fromS(value));
            }
            return this;
        }

        public Builder s(String name, Instant value) {
            return value == null ? this : s(name, value.toString());
        }

        public Builder n(String name, long value) {
            values.put(name, AttributeValue.fromN(Long.toString(value)));
            return this;
        }

        public Builder bool(String name, boolean value) {
            values.put(name, AttributeValue.fromBool(value));
            return this;
        }

        public Map<String, AttributeValue> build() {
            return Map.copyOf(values);
        }
    }
}
