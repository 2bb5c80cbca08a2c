package dev.herald.channel.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * A message a browser client sends on the {@code $default} route. Parsing is strict and every refusal says what
 * was wrong and what to send instead, since the client author only ever sees the error text.
 */
public sealed interface ClientAction {

    int DEFAULT_SYNC_LIMIT = 50;
    int MAX_SYNC_LIMIT = 100;
    /** Cursors and ids are DynamoDB key values, which are far shorter than this. */
    int MAX_TOKEN_CHARS = 512;
    String EXPECTED = "expected {\"action\":\"sync\",\"since\":CURSOR}, {\"action\":\"read\",\"id\":ID} or {\"action\":\"ping\"}";

    /** {@code {"action":"sync","since":CURSOR,"limit":N}}: unread items after the cursor (null: from the start). */
    record Sync(String since, int limit) implements ClientAction {
    }

    /** {@code {"action":"read","id":ID}} or {@code {"action":"ack","id":ID}}: the user has seen the item. */
    record Read(String action, String id) implements ClientAction {
    }

    /** {@code {"action":"ping"}}: keeps an idle connection open (API Gateway closes it after 10 idle minutes). */
    record Ping() implements ClientAction {
    }

    /** Parses one message, or throws {@link InvalidActionException} with a message meant for the client. */
    static ClientAction parse(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidActionException("empty message; " + EXPECTED);
        }
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > WebSocketLimits.MAX_MESSAGE_BYTES) {
            throw new InvalidActionException("message is " + bytes + " bytes; the limit is " + WebSocketLimits.MAX_MESSAGE_BYTES
                    + " bytes (128 KB, API Gateway's WebSocket message limit)");
        }
        JsonNode json;
        try {
            json = Json.parse(body);
        } catch (InvalidJsonException e) {
            throw new InvalidActionException(e.getMessage() + "; " + EXPECTED);
        }
        if (json == null || !json.isObject()) {
            throw new InvalidActionException("message must be a JSON object; " + EXPECTED);
        }
        JsonNode action = json.get("action");
        if (action == null || !action.isTextual()) {
            throw new InvalidActionException("missing \"action\"; " + EXPECTED);
        }
        return switch (action.asText()) {
            case "sync" -> new Sync(cursor(json.get("since")), limit(json.get("limit")));
            case "read", "ack" -> new Read(action.asText(), id(action.asText(), json.get("id")));
            case "ping" -> new Ping();
            default -> throw new InvalidActionException("unknown action '" + truncate(action.asText()) + "'; " + EXPECTED);
        };
    }

    private static String cursor(JsonNode since) {
        if (since == null || since.isNull()) {
            return null;
        }
        if (!since.isTextual()) {
            throw new InvalidActionException("\"since\" must be the cursor string a previous sync returned, or null");
        }
        if (since.asText().length() > MAX_TOKEN_CHARS) {
            throw new InvalidActionException("\"since\" is too long to be a cursor; pass the cursor a previous sync returned, or null");
        }
        return since.asText().isEmpty() ? null : since.asText();
    }

    private static int limit(JsonNode limit) {
        if (limit == null || limit.isNull()) {
            return DEFAULT_SYNC_LIMIT;
        }
        if (!limit.canConvertToInt() || !limit.isIntegralNumber() || limit.asInt() < 1 || limit.asInt() > MAX_SYNC_LIMIT) {
            throw new InvalidActionException("\"limit\" must be a whole number from 1 to " + MAX_SYNC_LIMIT);
        }
        return limit.asInt();
    }

    private static String id(String action, JsonNode id) {
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new InvalidActionException("\"" + action + "\" needs \"id\": the id of an item you received");
        }
        if (id.asText().length() > MAX_TOKEN_CHARS) {
            throw new InvalidActionException("\"id\" is too long to be an item id; send the id of an item you received");
        }
        return id.asText();
    }

    private static String truncate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
