package dev.herald.channel.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.json.Json;
import dev.herald.recipient.Platform;

/**
 * The SNS message for one push: {@code MessageStructure=json}, with one payload per platform, each itself a JSON
 * string as SNS requires:
 * <pre>{@code
 * {"default": BODY,
 *  "APNS":         "{\"aps\":{\"alert\":{\"title\":T,\"body\":B},\"sound\":\"default\"},\"herald\":{\"id\":ID,\"type\":TYPE}}",
 *  "APNS_SANDBOX": (the same),
 *  "GCM":          "{\"notification\":{\"title\":T,\"body\":B},\"data\":{\"id\":ID,\"type\":TYPE,\"notificationId\":N}}"}
 * }</pre>
 * Title and body are cut to {@link #MAX_TITLE_CHARS} and {@link #MAX_BODY_CHARS} characters, which keeps every
 * platform payload under the 4 KB APNs and FCM allow.
 */
public final class PushMessage {

    public static final int MAX_TITLE_CHARS = 200;
    public static final int MAX_BODY_CHARS = 1000;

    private PushMessage() {
    }

    /**
     * The message for a notification; {@code title} may be null.
     *
     * @param id the in-app item id the app can open or mark read ({@code notificationId/typeId})
     */
    public static String of(String title, String body, String notificationId, String typeId, String id) {
        String shortTitle = title == null || title.isBlank() ? null : cut(title.strip(), MAX_TITLE_CHARS);
        String shortBody = cut(body.strip(), MAX_BODY_CHARS);

        ObjectNode apns = Json.object();
        ObjectNode alert = apns.putObject("aps").putObject("alert");
        if (shortTitle != null) {
            alert.put("title", shortTitle);
        }
        alert.put("body", shortBody);
        ((ObjectNode) apns.get("aps")).put("sound", "default");
        apns.putObject("herald").put("id", id).put("type", typeId).put("notificationId", notificationId);

        ObjectNode gcm = Json.object();
        ObjectNode notification = gcm.putObject("notification");
        if (shortTitle != null) {
            notification.put("title", shortTitle);
        }
        notification.put("body", shortBody);
        // FCM data values must be strings
        gcm.putObject("data").put("id", id).put("type", typeId).put("notificationId", notificationId);

        ObjectNode message = Json.object();
        message.put("default", shortBody);
        String apnsJson = Json.write(apns);
        message.put(Platform.APNS.name(), apnsJson);
        message.put(Platform.APNS_SANDBOX.name(), apnsJson);
        message.put(Platform.GCM.name(), Json.write(gcm));
        return Json.write(message);
    }

    private static String cut(String text, int maxChars) {
        if (text.codePointCount(0, text.length()) <= maxChars) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, maxChars - 1)) + "…";
    }
}
