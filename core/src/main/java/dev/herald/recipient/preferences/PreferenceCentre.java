package dev.herald.recipient.preferences;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.recipient.QuietHours;
import dev.herald.recipient.RecipientChoices;
import dev.herald.recipient.RecipientLimits;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.IllformedLocaleException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preferences a recipient sets for themselves: locale, time zone, quiet hours, digest, and per category of the
 * catalog which channels are on. Served over HTTP ({@code GET|PUT /preferences}) and the WebSocket
 * ({@code preferences.get|set}) alike.
 *
 * <ul>
 *   <li>Choices are stored apart from the app's profile ({@link RecipientChoices}) and merged over it wherever the
 *       profile is read, so routing honours them with no change of its own. Per field the latest change wins: an
 *       app's {@code Recipient Upserted} overrides a choice only for a field whose value it really changes.</li>
 *   <li>Turning a channel on for a category also undoes a one-click unsubscribe of that pair.</li>
 *   <li>A critical category is locked: a change naming it is refused ({@link LockedCategoryException}).</li>
 *   <li>Every effective change is announced by {@code Recipient Preferences Changed}, through a mark written in the
 *       same transaction ({@link PreferencesChangedMarks}); a change that changes nothing writes nothing.</li>
 * </ul>
 * Thread-safe.
 */
public final class PreferenceCentre {

    private static final Logger LOG = LoggerFactory.getLogger(PreferenceCentre.class);

    /** The digest settings a recipient can choose; {@code default} is the catalog type's own. */
    public static final List<String> DIGESTS = List.of("default", "hourly", "daily");
    /** The fields a change may hold. */
    public static final List<String> FIELDS = List.of("locale", "timeZone", "quietHours", "digest", "categories");
    private static final Pattern HH_MM = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d");
    private static final Pattern ID = Pattern.compile("[^\\s#]+");
    /** Rounds of a write that found the choices changed under it (a concurrent change) before giving up. */
    private static final int ROUNDS = 5;

    private final Map<String, Set<Channel>> categories;
    private final Set<String> critical;
    private final RecipientRepository recipients;
    private final PreferencesChangedMarks marks;
    private final Clock clock;
    private final Consumer<String> quietHoursChanged;

    /**
     * @param quietHoursChanged told the recipient's id after a change of their quiet hours or time zone, e.g. to decide
     *                          again what waits for the end of their quiet hours
     */
    public PreferenceCentre(Catalog catalog, RecipientRepository recipients, PreferencesChangedMarks marks, Clock clock,
                            Consumer<String> quietHoursChanged) {
        this.categories = catalog.categoryChannels();
        this.critical = catalog.types().stream().filter(NotificationType::isCritical).map(NotificationType::category)
                .collect(Collectors.toCollection(TreeSet::new));
        this.recipients = recipients;
        this.marks = marks;
        this.clock = clock;
        this.quietHoursChanged = quietHoursChanged;
    }

    public PreferenceCentre(Catalog catalog, RecipientRepository recipients, PreferencesChangedMarks marks, Clock clock) {
        this(catalog, recipients, marks, clock, recipientId -> {
        });
    }

    /** The recipient's preferences as routing applies them now. */
    public Preferences get(String recipientId) {
        requireId(recipientId);
        RecipientRepository.StoredChoices stored = recipients.storedChoices(recipientId);
        return preferences(recipientId, stored, stored.choices(), Set.of());
    }

    /**
     * Applies a change (a partial {@link Preferences}: any of {@code locale}, {@code timeZone}, {@code quietHours},
     * {@code digest}, and {@code categories} as category → channel → on) and returns the preferences after it.
     *
     * @throws InvalidPreferencesException when the change is malformed, saying what to send instead (HTTP 400)
     * @throws LockedCategoryException    when it names a critical category (HTTP 409)
     */
    public Preferences set(String recipientId, JsonNode change) {
        requireId(recipientId);
        Change parsed = parse(change);
        for (int round = 1; round <= ROUNDS; round++) {
            RecipientRepository.StoredChoices stored = recipients.storedChoices(recipientId);
            Preferences before = preferences(recipientId, stored, stored.choices(), Set.of());
            RecipientChoices next = parsed.apply().apply(stored.choices());
            // turning a pair on undoes its one-click unsubscribe: the recipient's latest word on it
            Set<Pair> resubscribed = new TreeSet<>();
            parsed.channels().forEach((category, byChannel) -> byChannel.forEach((channel, on) -> {
                if (on && stored.unsubscribed().getOrDefault(category, Set.of()).contains(channel)) {
                    resubscribed.add(new Pair(category, channel));
                }
            }));
            Preferences after = preferences(recipientId, stored, next, resubscribed);
            List<String> changed = changed(before, after);
            if (changed.isEmpty()) {
                return after;
            }
            PreferencesChangedEvent event = new PreferencesChangedEvent(recipientId, changed, after, clock.instant());
            if (!recipients.writeChoices(recipientId, stored.version(), next, marks.mark(event))) {
                continue;
            }
            // after the write and its mark: were this lost, the pair would still show off, and setting it again retries it
            resubscribed.forEach(pair -> recipients.removeUnsubscribe(recipientId, pair.category(), pair.channel()));
            if (changed.contains("quietHours") || changed.contains("timeZone")) {
                quietHoursChanged.accept(recipientId);
            }
            LOG.info("recipient {} changed preferences: {}", recipientId, changed);
            return after;
        }
        throw new IllegalStateException("the preferences of " + recipientId + " kept changing during " + ROUNDS
                + " attempts; send the change again");
    }

    private record Pair(String category, Channel channel) implements Comparable<Pair> {
        @Override
        public int compareTo(Pair other) {
            int byCategory = category.compareTo(other.category);
            return byCategory != 0 ? byCategory : channel.compareTo(other.channel);
        }
    }

    /** A validated change: how it changes the choices, and the channels it names. */
    private record Change(UnaryOperator<RecipientChoices> apply, Map<String, Map<Channel, Boolean>> channels) {
    }

    private Preferences preferences(String recipientId, RecipientRepository.StoredChoices stored, RecipientChoices choices,
                                    Set<Pair> resubscribed) {
        RecipientProfile profile = choices.applyTo(stored.app().orElse(RecipientProfile.empty(recipientId)));
        List<Preferences.Category> list = new ArrayList<>();
        categories.forEach((category, channels) -> {
            boolean locked = critical.contains(category);
            Map<String, Boolean> states = new LinkedHashMap<>();
            for (Channel channel : channels) {
                boolean unsubscribed = stored.unsubscribed().getOrDefault(category, Set.of()).contains(channel)
                        && !resubscribed.contains(new Pair(category, channel));
                states.put(channel.id(), locked || !(profile.optedOut(category, channel) || unsubscribed));
            }
            list.add(new Preferences.Category(category, locked, locked, states));
        });
        QuietHours quiet = profile.quietHours();
        return new Preferences(recipientId, profile.locale(), profile.timeZone(),
                quiet == null ? null : new Preferences.Window(quiet.start().toString(), quiet.end().toString()),
                choices.digest() == null ? DIGESTS.getFirst() : choices.digest(), list);
    }

    private static List<String> changed(Preferences before, Preferences after) {
        List<String> changed = new ArrayList<>();
        if (!Objects.equals(before.locale(), after.locale())) {
            changed.add("locale");
        }
        if (!Objects.equals(before.timeZone(), after.timeZone())) {
            changed.add("timeZone");
        }
        if (!Objects.equals(before.quietHours(), after.quietHours())) {
            changed.add("quietHours");
        }
        if (!Objects.equals(before.digest(), after.digest())) {
            changed.add("digest");
        }
        for (int i = 0; i < after.categories().size(); i++) {
            Preferences.Category was = before.categories().get(i);
            Preferences.Category now = after.categories().get(i);
            now.channels().forEach((channel, on) -> {
                if (!on.equals(was.channels().get(channel))) {
                    changed.add("categories." + now.id() + "." + channel);
                }
            });
        }
        return changed;
    }

    private Change parse(JsonNode change) {
        if (change == null || !change.isObject()) {
            throw new InvalidPreferencesException("a change is a JSON object with any of " + FIELDS
                    + ", e.g. {\"categories\": {\"bookings\": {\"email\": false}}}");
        }
        List<UnaryOperator<RecipientChoices>> steps = new ArrayList<>();
        Map<String, Map<Channel, Boolean>> channels = new LinkedHashMap<>();
        for (var field : change.properties()) {
            JsonNode value = field.getValue();
            switch (field.getKey()) {
                case "locale" -> {
                    String locale = locale(value);
                    steps.add(c -> c.withLocale(locale));
                }
                case "timeZone" -> {
                    String zone = timeZone(value);
                    steps.add(c -> c.withTimeZone(zone));
                }
                case "quietHours" -> {
                    QuietHours quiet = quietHours(value);
                    steps.add(c -> c.withQuietHours(quiet));
                }
                case "digest" -> {
                    String digest = digest(value);
                    steps.add(c -> c.withDigest(digest));
                }
                case "categories" -> channels.putAll(categories(value));
                default -> throw new InvalidPreferencesException("unknown field '" + field.getKey() + "'; a change may hold " + FIELDS);
            }
        }
        // after every other check, so that a malformed change is told what is wrong with it first
        for (String category : channels.keySet()) {
            if (critical.contains(category)) {
                throw new LockedCategoryException(category);
            }
        }
        channels.forEach((category, byChannel) -> byChannel.forEach((channel, on) -> steps.add(c -> c.withChannel(category, channel, on))));
        return new Change(choices -> {
            RecipientChoices next = choices;
            for (UnaryOperator<RecipientChoices> step : steps) {
                next = step.apply(next);
            }
            return next;
        }, channels);
    }

    private static String locale(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        String tag = value.isTextual() ? value.asText().strip() : "";
        try {
            Locale locale = new Locale.Builder().setLanguageTag(tag).build();
            if (locale.getLanguage().isEmpty()) {
                throw new IllformedLocaleException("no language");
            }
            return locale.toLanguageTag();
        } catch (IllformedLocaleException e) {
            throw new InvalidPreferencesException("locale " + value
                    + " is not a BCP 47 language tag; send one such as \"fr\" or \"fr-CA\", or null for none");
        }
    }

    private static String timeZone(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        try {
            if (!value.isTextual()) {
                throw new DateTimeException("not text");
            }
            return ZoneId.of(value.asText().strip()).getId();
        } catch (DateTimeException e) {
            throw new InvalidPreferencesException("timeZone " + value + " is not an IANA time zone; send one such as \"Europe/Paris\", "
                    + "or null for none");
        }
    }

    private static QuietHours quietHours(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        String example = "send {\"start\":\"22:00\",\"end\":\"07:00\"} (HH:mm, in your time zone), or null for none";
        if (!value.isObject()) {
            throw new InvalidPreferencesException("quietHours must be an object; " + example);
        }
        for (var field : value.properties()) {
            if (!Set.of("start", "end").contains(field.getKey())) {
                throw new InvalidPreferencesException("quietHours has an unknown field '" + field.getKey() + "'; " + example);
            }
        }
        return new QuietHours(time(value, "start", example), time(value, "end", example));
    }

    private static LocalTime time(JsonNode quietHours, String field, String example) {
        JsonNode value = quietHours.path(field);
        if (!value.isTextual() || !HH_MM.matcher(value.asText()).matches()) {
            String problem = value.isMissingNode() ? "is missing" : value + " is not HH:mm";
            throw new InvalidPreferencesException("quietHours." + field + " " + problem + "; " + example);
        }
        return LocalTime.parse(value.asText());
    }

    private static String digest(JsonNode value) {
        if (!value.isTextual() || !DIGESTS.contains(value.asText())) {
            throw new InvalidPreferencesException("digest " + value + " is not one of " + DIGESTS);
        }
        return value.asText().equals(DIGESTS.getFirst()) ? null : value.asText();
    }

    private Map<String, Map<Channel, Boolean>> categories(JsonNode value) {
        String example = "send a map of category to channel to on/off, e.g. {\"bookings\": {\"email\": false}}";
        if (!value.isObject()) {
            throw new InvalidPreferencesException("categories must be an object; " + example);
        }
        Map<String, Map<Channel, Boolean>> changes = new LinkedHashMap<>();
        for (var entry : value.properties()) {
            String category = entry.getKey();
            Set<Channel> uses = categories.get(category);
            if (uses == null) {
                throw new InvalidPreferencesException("unknown category '" + category + "'; the categories are " + categories.keySet());
            }
            if (!entry.getValue().isObject()) {
                throw new InvalidPreferencesException("categories." + category + " must be an object of channel to on/off; " + example);
            }
            Map<Channel, Boolean> byChannel = new LinkedHashMap<>();
            for (var c : entry.getValue().properties()) {
                Channel channel = Channel.find(c.getKey()).orElseThrow(() -> new InvalidPreferencesException("categories." + category
                        + ": unknown channel '" + c.getKey() + "'; channels are " + Channel.names()));
                if (!uses.contains(channel)) {
                    throw new InvalidPreferencesException("categories." + category + ": category '" + category + "' does not use "
                            + channel.id() + "; it uses " + uses.stream().map(Channel::id).toList());
                }
                if (!c.getValue().isBoolean()) {
                    throw new InvalidPreferencesException("categories." + category + "." + channel.id() + " must be true or false, not "
                            + c.getValue());
                }
                byChannel.put(channel, c.getValue().booleanValue());
            }
            changes.put(category, byChannel);
        }
        return changes;
    }

    private static void requireId(String recipientId) {
        if (recipientId == null || !ID.matcher(recipientId).matches()) {
            throw new InvalidPreferencesException("the user id must be non-empty, without spaces or '#'");
        }
        RecipientLimits.idProblem("the user id", recipientId).ifPresent(problem -> {
            throw new InvalidPreferencesException(problem);
        });
    }
}
