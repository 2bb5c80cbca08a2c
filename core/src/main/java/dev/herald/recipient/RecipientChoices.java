package dev.herald.recipient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.catalog.Channel;
import dev.herald.json.Json;
import java.time.LocalTime;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a recipient chose for themselves (Herald's preference centre), kept apart from the profile the app maintains,
 * which a {@code Recipient Upserted} replaces whole. Each choice overrides the app's value of its field until the app
 * really changes that field ({@link #withoutFieldsChangedBy}): per field, the latest change wins.
 *
 * @param locale     the recipient's locale, or null when they chose none; the choice itself null when they never did
 * @param timeZone   as {@code locale}
 * @param quietHours as {@code locale}; a choice of null means no quiet hours
 * @param digest     {@code hourly} or {@code daily}; null for the default
 * @param channels   per category, the channels the recipient turned on (true) or off (false)
 */
public record RecipientChoices(Choice<String> locale, Choice<String> timeZone, Choice<QuietHours> quietHours, String digest,
                               Map<String, Map<Channel, Boolean>> channels) {

    /** A recipient who never chose anything. */
    public static final RecipientChoices NONE = new RecipientChoices(null, null, null, null, Map.of());

    /** One chosen value, which may be null ("none"). */
    public record Choice<T>(T value) {
    }

    public RecipientChoices {
        Map<String, Map<Channel, Boolean>> copy = new TreeMap<>();
        channels.forEach((category, byChannel) -> {
            if (!byChannel.isEmpty()) {
                copy.put(category, Map.copyOf(byChannel));
            }
        });
        channels = Map.copyOf(copy);
    }

    public boolean isEmpty() {
        return locale == null && timeZone == null && quietHours == null && digest == null && channels.isEmpty();
    }

    /** The recipient's choice for the category on the channel: true (on), false (off), or null (never chose). */
    public Boolean channel(String category, Channel channel) {
        return channels.getOrDefault(category, Map.of()).get(channel);
    }

    /** The profile routing and enrichment read: the app's, with each of these choices in place of its field. */
    public RecipientProfile applyTo(RecipientProfile app) {
        if (isEmpty()) {
            return app;
        }
        Map<String, Set<Channel>> optOuts = new HashMap<>();
        app.optOuts().forEach((category, off) -> {
            Set<Channel> copy = EnumSet.noneOf(Channel.class);
            copy.addAll(off);
            optOuts.put(category, copy);
        });
        channels.forEach((category, byChannel) -> byChannel.forEach((channel, on) -> {
            Set<Channel> off = optOuts.computeIfAbsent(category, c -> EnumSet.noneOf(Channel.class));
            if (on) {
                off.remove(channel);
            } else {
                off.add(channel);
            }
        }));
        optOuts.values().removeIf(Set::isEmpty);
        return new RecipientProfile(app.id(), locale == null ? app.locale() : locale.value(),
                timeZone == null ? app.timeZone() : timeZone.value(), app.email(), app.displayName(), optOuts,
                quietHours == null ? app.quietHours() : quietHours.value(), app.updatedAt(), digest);
    }

    /**
     * These choices less those of the fields the app changed between two of its profiles (null for none): a field
     * the app sends with the value it sent before is no change, so a stale profile re-sent never undoes a choice.
     * An opt-out counts per category and channel.
     */
    public RecipientChoices withoutFieldsChangedBy(RecipientProfile before, RecipientProfile after) {
        RecipientProfile old = before == null ? RecipientProfile.empty(after.id()) : before;
        Map<String, Map<Channel, Boolean>> kept = new HashMap<>();
        channels.forEach((category, byChannel) -> {
            Map<Channel, Boolean> still = new EnumMap<>(Channel.class);
            byChannel.forEach((channel, on) -> {
                if (old.optedOut(category, channel) == after.optedOut(category, channel)) {
                    still.put(channel, on);
                }
            });
            kept.put(category, still);
        });
        return new RecipientChoices(
                Objects.equals(old.locale(), after.locale()) ? locale : null,
                Objects.equals(old.timeZone(), after.timeZone()) ? timeZone : null,
                Objects.equals(old.quietHours(), after.quietHours()) ? quietHours : null,
                digest, kept);
    }

    public RecipientChoices withLocale(String value) {
        return new RecipientChoices(new Choice<>(value), timeZone, quietHours, digest, channels);
    }

    public RecipientChoices withTimeZone(String value) {
        return new RecipientChoices(locale, new Choice<>(value), quietHours, digest, channels);
    }

    public RecipientChoices withQuietHours(QuietHours value) {
        return new RecipientChoices(locale, timeZone, new Choice<>(value), digest, channels);
    }

    /** {@code null} for the default. */
    public RecipientChoices withDigest(String value) {
        return new RecipientChoices(locale, timeZone, quietHours, value, channels);
    }

    public RecipientChoices withChannel(String category, Channel channel, boolean on) {
        Map<String, Map<Channel, Boolean>> next = new HashMap<>(channels);
        Map<Channel, Boolean> byChannel = new EnumMap<>(Channel.class);
        byChannel.putAll(channels.getOrDefault(category, Map.of()));
        byChannel.put(channel, on);
        next.put(category, byChannel);
        return new RecipientChoices(locale, timeZone, quietHours, digest, next);
    }

    /** As stored on the profile item: a field is present only when chosen, with its value, null included. */
    public String toJson() {
        ObjectNode json = Json.object();
        if (locale != null) {
            json.put("locale", locale.value());
        }
        if (timeZone != null) {
            json.put("timeZone", timeZone.value());
        }
        if (quietHours != null) {
            if (quietHours.value() == null) {
                json.putNull("quietHours");
            } else {
                json.putObject("quietHours").put("start", quietHours.value().start().toString())
                        .put("end", quietHours.value().end().toString());
            }
        }
        if (digest != null) {
            json.put("digest", digest);
        }
        if (!channels.isEmpty()) {
            ObjectNode categories = json.putObject("channels");
            new TreeMap<>(channels).forEach((category, byChannel) -> {
                ObjectNode node = categories.putObject(category);
                new EnumMap<>(byChannel).forEach((channel, on) -> node.put(channel.id(), on));
            });
        }
        return Json.write(json);
    }

    /** Reads what {@link #toJson} wrote; null or blank is {@link #NONE}. */
    public static RecipientChoices fromJson(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        JsonNode json = Json.parse(text);
        JsonNode quiet = json.get("quietHours");
        Map<String, Map<Channel, Boolean>> channels = new HashMap<>();
        json.path("channels").properties().forEach(category -> {
            Map<Channel, Boolean> byChannel = new EnumMap<>(Channel.class);
            category.getValue().properties().forEach(c -> byChannel.put(Channel.of(c.getKey()), c.getValue().asBoolean()));
            channels.put(category.getKey(), byChannel);
        });
        return new RecipientChoices(
                json.has("locale") ? new Choice<>(text(json.get("locale"))) : null,
                json.has("timeZone") ? new Choice<>(text(json.get("timeZone"))) : null,
                quiet == null ? null : new Choice<>(quiet.isNull() ? null
                        : new QuietHours(LocalTime.parse(quiet.path("start").asText()), LocalTime.parse(quiet.path("end").asText()))),
                json.hasNonNull("digest") ? json.get("digest").asText() : null,
                channels);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
