package dev.herald.channel.email;

import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryKey;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The one-click unsubscribe link of one email: {@code BASE?n=<notification>&t=<type>&r=<recipient>}, naming the
 * email delivery and nothing else. It is a capability URL: notification ids are EventBridge event ids (random UUIDs),
 * so only someone who received the email can know it, and the endpoint acts only on a delivery it finds. The
 * category to unsubscribe from comes from the catalog type, never from the link. Pure.
 */
public record UnsubscribeLink(String notificationId, String typeId, String recipientId) {

    public static final String NOTIFICATION = "n";
    public static final String TYPE = "t";
    public static final String RECIPIENT = "r";

    /**
     * Longer values (in UTF-8 bytes) are no id Herald makes: event ids are UUIDs, and a delivery's sort key
     * ({@code type#email#recipient}) fits DynamoDB's 1,024 bytes. Refusing them keeps such keys away from DynamoDB.
     */
    static final int MAX_VALUE_BYTES = 512;

    public static UnsubscribeLink of(DeliveryKey key) {
        return new UnsubscribeLink(key.notificationId(), key.typeId(), key.recipientId());
    }

    /** The link's parameters from a request's query, or empty when one is missing, blank or too long to be Herald's. */
    public static Optional<UnsubscribeLink> from(Map<String, String> query) {
        if (query == null) {
            return Optional.empty();
        }
        String n = query.get(NOTIFICATION);
        String t = query.get(TYPE);
        String r = query.get(RECIPIENT);
        if (!plausible(n) || !plausible(t) || !plausible(r)) {
            return Optional.empty();
        }
        return Optional.of(new UnsubscribeLink(n, t, r));
    }

    /** The email delivery the link names. */
    public DeliveryKey deliveryKey() {
        return new DeliveryKey(notificationId, typeId, Channel.EMAIL, recipientId);
    }

    /** The query string, without its {@code ?}, URL-encoded. */
    public String query() {
        return NOTIFICATION + "=" + encode(notificationId) + "&" + TYPE + "=" + encode(typeId) + "&" + RECIPIENT + "=" + encode(recipientId);
    }

    /** The link on the endpoint at {@code base}; a query {@code base} already has is kept. */
    public URI on(URI base) {
        String separator = base.getRawQuery() == null ? "?" : "&";
        return URI.create(base + separator + query());
    }

    private static boolean plausible(String value) {
        return value != null && !value.isBlank() && value.getBytes(StandardCharsets.UTF_8).length <= MAX_VALUE_BYTES;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
