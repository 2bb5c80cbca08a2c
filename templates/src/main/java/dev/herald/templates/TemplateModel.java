package dev.herald.templates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.util.Map;

/** Turns template data (JSON) into the model templates render with. */
public final class TemplateModel {

    private TemplateModel() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(JsonNode data, String locale, String timeZone) {
        return Json.mapper().convertValue(data, Map.class);
    }
}
