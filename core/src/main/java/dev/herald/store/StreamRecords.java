package dev.herald.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * DynamoDB stream records in the JSON shape Lambda delivers them ({@code {"Records": [{"eventName", "dynamodb":
 * {"NewImage", "OldImage"}}]}}), so that herald local feeds stream handlers exactly what AWS would.
 */
public final class StreamRecords {

    private StreamRecords() {
    }

    public static JsonNode toLambdaEvent(List<Record> records) {
        ObjectNode event = Json.object();
        ArrayNode array = event.putArray("Records");
        for (Record record : records) {
            ObjectNode r = array.addObject();
            r.put("eventID", record.eventID());
            r.put("eventName", record.eventNameAsString());
            r.put("eventSource", "aws:dynamodb");
            ObjectNode dynamodb = r.putObject("dynamodb");
            if (record.dynamodb().hasKeys()) {
                dynamodb.set("Keys", image(record.dynamodb().keys()));
            }
            if (record.dynamodb().hasNewImage()) {
                dynamodb.set("NewImage", image(record.dynamodb().newImage()));
            }
            if (record.dynamodb().hasOldImage()) {
                dynamodb.set("OldImage", image(record.dynamodb().oldImage()));
            }
            dynamodb.put("SequenceNumber", record.dynamodb().sequenceNumber());
        }
        return event;
    }

    private static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode image = Json.object();
        item.forEach((name, value) -> image.set(name, attribute(value)));
        return image;
    }

    private static ObjectNode attribute(AttributeValue v) {
        ObjectNode node = Json.object();
        if (v.s() != null) {
            node.put("S", v.s());
        } else if (v.n() != null) {
            node.put("N", v.n());
        } else if (v.bool() != null) {
            node.put("BOOL", v.bool());
        } else if (Boolean.TRUE.equals(v.nul())) {
            node.put("NULL", true);
        } else if (v.hasM()) {
            node.set("M", image(v.m()));
        } else if (v.hasL()) {
            ArrayNode list = node.putArray("L");
            v.l().forEach(e -> list.add(attribute(e)));
        } else if (v.hasSs()) {
            ArrayNode list = node.putArray("SS");
            v.ss().forEach(list::add);
        }
        return node;
    }
}
