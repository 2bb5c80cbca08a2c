package dev.herald.channel.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.inbox.InboxAction;
import dev.herald.inbox.InboxView;
import dev.herald.json.InvalidJsonException;
import dev.herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A message a browser client sends on the {@code $default} route. Parsing is strict and every refusal says what
 * was wrong and what to send instead, since the client author only ever sees the error text.
 */
public sealed interface ClientAction {

    int DEFAULT_SYNC_LIMIT = 50;
    int DEFAULT_LIST_LIMIT = 20;
    int MAX_LIMIT = 100;
    /** Ids named in one action: what one inbox transaction can change. */
    int MAX_IDS = 100;
    /** Cursors and ids are DynamoDB key values, which are far shorter than this. */
    int MAX_TOKEN_CHARS = 512;
    int MAX_REF_CHARS = 64;
    String EXPECTED = "expected one of the actions sync, list, counts, seen, read, unread, archive, unarchive, read-all, "
            + "preferences.get, preferences.set, ping; see the browser contract in the WebSocket channel's README";

    /** A parsed message: the action, and the {@code ref} the reply echoes (null when the client sent none). */
    record Request(String ref, ClientAction action) {
    }

    /** {@code {"action":"sync","since":CURSOR,"limit":N}}: unread items after the cursor (null: from the start). */
    record Sync(String since, int limit) implements ClientAction {
    }

    /** {@code {"action":"list","filter":"all|unread|archived","cursor":C,"limit":N}}: a page, newest first. */
    record ListItems(InboxView view, String cursor, int limit) implements ClientAction {
    }

    /** {@code {"action":"counts"}}: the unread and unseen counts. */
    record Counts() implements ClientAction {
    }

    /**
     * {@code {"action":"seen|read|ack|unread|archive|unarchive","ids":[…]}} (or {@code "id"}): a state change of the
     * user's items. {@code single} says the client named one {@code id}, whose reply keeps its older shape.
     */
    record Mark(String action, InboxAction change, List<String> ids, boolean single) implements ClientAction {

        public Mark {
            ids = List.copyOf(ids);
        }
    }

    /** {@code {"action":"read-all"}}: every unread item read. */
    record ReadAll() implements ClientAction {
    }

    /** {@code {"action":"preferences.get"}}. */
    record PreferencesGet() implements ClientAction {
    }

    /** {@code {"action":"preferences.set","preferences":{…}}}: a partial change. */
    record PreferencesSet(JsonNode change) implements ClientAction {
    }

    /** {@code {"action":"ping"}}: keeps an idle connection open (API Gateway closes it after 10 idle minutes). */
    record Ping() implements ClientAction {
    }

    /** Parses one message, or throws {@link InvalidActionException} with a message meant for the client. */
    static Request parse(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidActionException("empty message; " + EXPECTED, null);
        }
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > WebSocketLimits.MAX_MESSAGE_BYTES) {
            throw new InvalidActionException("message is " + bytes + " bytes; the limit is " + WebSocketLimits.MAX_MESSAGE_BYTES
                    + " bytes (128 KB, API Gateway's WebSocket message limit)", null);
        }
        JsonNode json;
        try {
            json = Json.parse(body);
        } catch (InvalidJsonException e) {
            throw new InvalidActionException(e.getMessage() + "; " + EXPECTED, null);
        }
        if (json == null || !json.isObject()) {
            throw new InvalidActionException("message must be a JSON object; " + EXPECTED, null);
        }
        String ref = ref(json.get("ref"));
        try {
            return new Request(ref, action(json));
        } catch (InvalidActionException e) {
            throw new InvalidActionException(e.getMessage(), ref);
        }
    }

    private static ClientAction action(JsonNode json) {
        JsonNode action = json.get("action");
        if (action == null || !action.isTextual()) {
            throw new InvalidActionException("missing \"action\"; " + EXPECTED, null);
        }
        String name = action.asText();
        return switch (name) {
            case "sync" -> new Sync(cursor("since", json.get("since")), limit(json.get("limit"), DEFAULT_SYNC_LIMIT));
            case "list" -> new ListItems(view(json.get("filter")), cursor("cursor", json.get("cursor")),
                    limit(json.get("limit"), DEFAULT_LIST_LIMIT));
            case "counts" -> new Counts();
            case "seen" -> mark(name, InboxAction.SEEN, json);
            case "read", "ack" -> mark(name, InboxAction.READ, json);
            case "unread" -> mark(name, InboxAction.UNREAD, json);
            case "archive" -> mark(name, InboxAction.ARCHIVE, json);
            case "unarchive" -> mark(name, InboxAction.UNARCHIVE, json);
            case "read-all" -> new ReadAll();
            case "preferences.get" -> new PreferencesGet();
            case "preferences.set" -> preferences(json.get("preferences"));
            case "ping" -> new Ping();
            default -> throw new InvalidActionException("unknown action '" + truncate(name) + "'; " + EXPECTED, null);
        };
    }

    private static String ref(JsonNode ref) {
        if (ref == null || ref.isNull()) {
            return null;
        }
        if (!ref.isTextual() || ref.asText().length() > MAX_REF_CHARS) {
            throw new InvalidActionException("\"ref\" must be a string of at most " + MAX_REF_CHARS + " characters; the reply echoes it",
                    null);
        }
        return ref.asText();
    }

    private static String cursor(String field, JsonNode cursor) {
        if (cursor == null || cursor.isNull()) {
            return null;
        }
        if (!cursor.isTextual()) {
            throw new InvalidActionException("\"" + field + "\" must be the cursor string a previous reply returned, or null", null);
        }
        if (cursor.asText().length() > MAX_TOKEN_CHARS) {
            throw new InvalidActionException("\"" + field + "\" is too long to be a cursor; pass the cursor a previous reply returned, or null",
                    null);
        }
        return cursor.asText().isEmpty() ? null : cursor.asText();
    }

    private static int limit(JsonNode limit, int fallback) {
        if (limit == null || limit.isNull()) {
            return fallback;
        }
        if (!limit.canConvertToInt() || !limit.isIntegralNumber() || limit.asInt() < 1 || limit.asInt() > MAX_LIMIT) {
            throw new InvalidActionException("\"limit\" must be a whole number from 1 to " + MAX_LIMIT, null);
        }
        return limit.asInt();
    }

    private static InboxView view(JsonNode filter) {
        if (filter == null || filter.isNull()) {
            return InboxView.ALL;
        }
        return InboxView.fromId(filter.asText()).filter(v -> filter.isTextual())
                .orElseThrow(() -> new InvalidActionException("\"filter\" must be \"all\", \"unread\" or \"archived\"", null));
    }

    private static Mark mark(String action, InboxAction change, JsonNode json) {
        JsonNode id = json.get("id");
        JsonNode ids = json.get("ids");
        String needs = "\"" + action + "\" needs \"ids\": a list of 1 to " + MAX_IDS + " ids of items you received (or one \"id\")";
        if (id != null && ids != null) {
            throw new InvalidActionException("send \"id\" or \"ids\", not both; " + needs, null);
        }
        if (id != null) {
            return new Mark(action, change, List.of(id(id, needs)), true);
        }
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > MAX_IDS) {
            throw new InvalidActionException(needs, null);
        }
        List<String> parsed = new ArrayList<>();
        ids.forEach(each -> parsed.add(id(each, needs)));
        return new Mark(action, change, parsed.stream().distinct().toList(), false);
    }

    private static String id(JsonNode id, String needs) {
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new InvalidActionException(needs, null);
        }
        if (id.asText().length() > MAX_TOKEN_CHARS) {
            throw new InvalidActionException("an id is too long to be an item id; send the ids of items you received", null);
        }
        return id.asText();
    }

    private static PreferencesSet preferences(JsonNode change) {
        if (change == null || !change.isObject()) {
            throw new InvalidActionException("\"preferences.set\" needs \"preferences\": an object with the fields to change, e.g. "
                    + "{\"categories\":{\"bookings\":{\"email\":false}}}", null);
        }
        return new PreferencesSet(change);
    }

    private static String truncate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
