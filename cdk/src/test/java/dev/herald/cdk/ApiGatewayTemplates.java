package dev.herald.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.lang3.StringEscapeUtils;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.runtime.RuntimeConstants;

/**
 * Renders a REST API mapping template the way API Gateway does: Velocity, with {@code $input}, {@code $util} and
 * {@code $context.responseOverride} implemented as API Gateway documents them, as far as Herald's templates use
 * them. API Gateway runs Velocity 1.7, so hyphens are allowed in identifiers
 * ({@code $context.responseOverride.header.Access-Control-Allow-Origin}) and whitespace is kept as 1.7 kept it.
 */
final class ApiGatewayTemplates {

    /** What a template produced: the body, and what it set in {@code $context.responseOverride}. */
    record Rendered(String body, Map<String, Object> status, Map<String, Object> headers) {

        JsonNode json() {
            return Json.read(body, JsonNode.class);
        }

        Object overriddenStatus() {
            return status.get("status");
        }
    }

    private static final VelocityEngine ENGINE = engine();

    private ApiGatewayTemplates() {
    }

    private static VelocityEngine engine() {
        VelocityEngine engine = new VelocityEngine();
        engine.setProperty(RuntimeConstants.PARSER_HYPHEN_ALLOWED, true);
        engine.setProperty(RuntimeConstants.SPACE_GOBBLING, RuntimeConstants.SpaceGobbling.BC.name().toLowerCase());
        engine.init();
        return engine;
    }

    /**
     * @param template the mapping template
     * @param body     the request (or integration response) body, JSON
     * @param headers  the request's headers, for {@code $input.params}
     */
    static Rendered render(String template, String body, Map<String, String> headers) {
        Map<String, Object> responseOverride = new HashMap<>();
        Map<String, Object> overriddenHeaders = new LinkedHashMap<>();
        responseOverride.put("header", overriddenHeaders);
        VelocityContext context = new VelocityContext();
        context.put("input", new Input(Json.read(body, JsonNode.class), headers));
        context.put("util", new Util());
        context.put("context", new HashMap<>(Map.of("responseOverride", responseOverride)));
        StringWriter out = new StringWriter();
        ENGINE.evaluate(context, out, "mapping template", template);
        Map<String, Object> status = new HashMap<>(responseOverride);
        status.remove("header");
        return new Rendered(out.toString(), status, overriddenHeaders);
    }

    /** {@code $input}: the body through JSONPath, and the request's parameters. */
    public static final class Input {

        private final JsonNode body;
        private final Map<String, String> headers;

        Input(JsonNode body, Map<String, String> headers) {
            this.body = body;
            this.headers = headers;
        }

        /** The value at a JSONPath: a string, number or boolean as itself, an object as a map, an array as a list. */
        public Object path(String jsonPath) {
            JsonNode node = select(jsonPath);
            if (node.isMissingNode() || node.isNull()) {
                return null;
            }
            return Json.mapper().convertValue(node, Object.class);
        }

        /** The JSON text of the value at a JSONPath. */
        public String json(String jsonPath) {
            return Json.write(select(jsonPath));
        }

        /** A header (API Gateway also looks in the path and query string; Herald's templates read headers only). */
        public String params(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse("");
        }

        private static final Pattern STEP = Pattern.compile("\\.([A-Za-z0-9_]+)|\\['([^']+)'\\]|\\[\"([^\"]+)\"\\]|\\[(\\d+)\\]");

        /** {@code $}, {@code $.a.b}, {@code $['a-b']}, {@code $.a[0].b}: the JSONPath subset Herald's templates use. */
        private JsonNode select(String jsonPath) {
            if (!jsonPath.startsWith("$")) {
                throw new IllegalArgumentException("not a JSONPath: " + jsonPath);
            }
            JsonNode node = body;
            Matcher m = STEP.matcher(jsonPath);
            int at = 1;
            while (at < jsonPath.length()) {
                if (!m.find(at) || m.start() != at) {
                    throw new IllegalArgumentException("unsupported JSONPath " + jsonPath + " at " + at);
                }
                String field = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                node = field != null ? node.path(field) : node.path(Integer.parseInt(m.group(4)));
                at = m.end();
            }
            return node;
        }
    }

    /** {@code $util}. */
    public static final class Util {

        /**
         * JavaScript string rules, as API Gateway applies them: quotes, apostrophes, backslashes and slashes escaped,
         * control and non-ASCII characters as {@code \\uXXXX}.
         */
        @SuppressWarnings("deprecation")
        public String escapeJavaScript(Object value) {
            return value == null ? "" : StringEscapeUtils.escapeEcmaScript(String.valueOf(value));
        }
    }
}
