package dev.herald.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A dotted path into a JSON document, such as {@code detail.userId}. Catalog entries use these to say where
 * recipients and addresses are; a plain dotted path is all they need, and it reads the same in YAML and in errors.
 */
public record JsonPath(String expression, List<String> segments) {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    public JsonPath {
        segments = List.copyOf(segments);
    }

    /** Parses {@code a.b.c}; throws {@link IllegalArgumentException} naming the bad segment. */
    public static JsonPath parse(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("path is empty; write a dotted path such as detail.userId");
        }
        List<String> segments = Arrays.asList(expression.split("\\.", -1));
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("path '" + expression + "' has an invalid segment '" + segment
                        + "'; write a dotted path such as detail.userId");
            }
        }
        return new JsonPath(expression, segments);
    }

    /** The node at this path, or a missing node. */
    public JsonNode read(JsonNode root) {
        JsonNode node = root;
        for (String segment : segments) {
            if (node == null || !node.isObject()) {
                return MissingNode.getInstance();
            }
            node = node.path(segment);
        }
        return node;
    }

    @Override
    public String toString() {
        return expression;
    }
}
