package dev.herald.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.delivery.DeliveryKey;
import dev.herald.catalog.Channel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The SES message tags Herald puts on every email, and reads back from SES events. SES allows only
 * {@code [A-Za-z0-9_-]} in tag values, while type ids have dots and recipient ids anything; so every other byte
 * (and {@code _} itself) is written as {@code _XX} (hex of the UTF-8 byte): {@code booking.created} becomes
 * {@code booking_2Ecreated}, readable in dashboards and exactly reversible.
 */
public final class SesTags {

    public static final String NOTIFICATION = "herald-notification";
    public static final String TYPE = "herald-type";
    public static final String RECIPIENT = "herald-recipient";

    /** SES's limit for a tag value. */
    static final int MAX_VALUE_LENGTH = 256;

    private SesTags() {
    }

    /** The tags of one delivery; a value too long for SES is left out (its delivery then cannot be marked, the address can). */
    public static Map<String, String> of(DeliveryKey key) {
        Map<String, String> tags = new LinkedHashMap<>();
        put(tags, NOTIFICATION, key.notificationId());
        put(tags, TYPE, key.typeId());
        put(tags, RECIPIENT, key.recipientId());
        return tags;
    }

    /** The delivery an email with these tags belongs to, if all three tags are there. */
    public static Optional<DeliveryKey> deliveryKey(Map<String, String> tags) {
        String notification = tags.get(NOTIFICATION);
        String type = tags.get(TYPE);
        String recipient = tags.get(RECIPIENT);
        if (notification == null || type == null || recipient == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DeliveryKey(decode(notification), decode(type), Channel.EMAIL, decode(recipient)));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    /**
     * The delivery an SES event is about, from its {@code mail.tags}, where SES writes each tag as
     * {@code name: [value]}; empty when the email is not Herald's or the event carries no tags.
     */
    public static Optional<DeliveryKey> deliveryKey(JsonNode sesEventDetail) {
        Map<String, String> values = new LinkedHashMap<>();
        sesEventDetail.path("mail").path("tags").properties().forEach(e -> {
            JsonNode value = e.getValue();
            String first = value.isArray() ? value.path(0).asText(null) : value.asText(null);
            if (first != null) {
                values.put(e.getKey(), first);
            }
        });
        return deliveryKey(values);
    }

    static String encode(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
                out.append((char) c);
            } else {
                out.append('_').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    static String decode(String value) {
        byte[] bytes = new byte[value.length()];
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '_') {
                if (i + 2 >= value.length()) {
                    throw new IllegalArgumentException("truncated escape in tag value " + value);
                }
                bytes[n++] = (byte) Integer.parseInt(value.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                bytes[n++] = (byte) c;
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    private static void put(Map<String, String> tags, String name, String value) {
        String encoded = encode(value);
        if (encoded.length() <= MAX_VALUE_LENGTH) {
            tags.put(name, encoded);
        }
    }
}
