package dev.herald.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.event.EventEnvelope;
import dev.herald.json.JsonPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code catalog.yaml}. Any problem fails the load with a {@link CatalogException} that names
 * the file, the entry and what is wrong, so a bad catalog never reaches a running handler.
 */
public final class CatalogLoader {

    /** Where the catalog and the templates live inside a Lambda jar. */
    public static final String CLASSPATH_ROOT = "herald-templates";
    public static final String FILE_NAME = "catalog.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern TYPE_ID = Pattern.compile("[a-z0-9][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)*");
    private static final Pattern CATEGORY = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Set<String> TOP_LEVEL = Set.of("defaults", "types", "categories");
    private static final Set<String> TYPE_FIELDS = Set.of("description", "pattern", "recipients", "category", "priority",
            "channels", "delivery", "defaultLocale", "enrich", "enrichers", "email", "maxRecipients", "allowedDomains", "sourceRateLimit",
            "idempotencyKey", "delay", "sendAt", "cancelOn", "digest", "quietHours");
    private static final Set<String> ENRICHER_FIELDS = Set.of("name", "url", "timeout", "retries", "required", "cache");

    private CatalogLoader() {
    }

    /** Loads a catalog file, e.g. {@code templates/catalog.yaml}. */
    public static Catalog load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CatalogException(file + ": catalog not found; pass --templates DIR or create " + FILE_NAME);
        }
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CatalogException(file + ": cannot read catalog: " + e.getMessage(), e);
        }
    }

    /** Loads the catalog packaged into the jar by the templates module. */
    public static Catalog fromClasspath() {
        String resource = CLASSPATH_ROOT + "/" + FILE_NAME;
        try (InputStream in = CatalogLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new CatalogException("classpath:" + resource + ": catalog not found; is herald-templates on the classpath?");
            }
            return parse("classpath:" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CatalogException("classpath:" + resource + ": cannot read catalog: " + e.getMessage(), e);
        }
    }

    /** Parses catalog YAML; {@code source} names the file in error messages. */
    public static Catalog parse(String source, String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new CatalogException(source + (loc == null ? "" : ":" + loc.getLineNr()) + ": invalid YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CatalogException(source + ": the catalog must be a mapping with 'defaults' and 'types'");
        }
        unknownFields(source, "top level", root, TOP_LEVEL);
        JsonNode defaults = root.path("defaults");
        String defaultLocale = text(defaults.path("locale"), "en");
        EmailSettings defaultEmail = email(source, "defaults.email", defaults.path("email"), null);

        JsonNode types = root.path("types");
        if (!types.isObject() || types.isEmpty()) {
            throw new CatalogException(source + ": 'types' must be a mapping with at least one notification type");
        }
        Map<String, RateLimit> rateLimits = rateLimits(source, root.path("categories"));
        Map<String, Timing.QuietHoursPolicy> quietHours = categoryQuietHours(source, root.path("categories"));
        List<NotificationType> parsed = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = types.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            parsed.add(type(source, entry.getKey(), entry.getValue(), defaultLocale, defaultEmail, quietHours));
        }
        return new Catalog(source, parsed, rateLimits);
    }

    /** {@code categories: {bookings: {rateLimit: {max: 5, per: 1h}}}} */
    private static Map<String, RateLimit> rateLimits(String source, JsonNode categories) {
        if (categories.isMissingNode() || categories.isNull()) {
            return Map.of();
        }
        if (!categories.isObject()) {
            throw new CatalogException(source + ": categories must map a category name to its settings, e.g. {bookings: {rateLimit: {max: 5, per: 1h}}}");
        }
        Map<String, RateLimit> limits = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = categories.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String where = source + ": categories." + entry.getKey();
            unknownFields(source, "categories." + entry.getKey(), entry.getValue(), Set.of("rateLimit", "quietHours"));
            JsonNode limit = entry.getValue().path("rateLimit");
            if (limit.isMissingNode()) {
                continue;
            }
            limits.put(entry.getKey(), rateLimit(where + ".rateLimit", limit));
        }
        return limits;
    }

    /** {@code categories: {marketing: {quietHours: defer}}}: the policy of the category's types that set none. */
    private static Map<String, Timing.QuietHoursPolicy> categoryQuietHours(String source, JsonNode categories) {
        Map<String, Timing.QuietHoursPolicy> policies = new LinkedHashMap<>();
        if (categories.isObject()) {
            categories.fields().forEachRemaining(entry -> {
                JsonNode policy = entry.getValue().path("quietHours");
                if (!policy.isMissingNode()) {
                    policies.put(entry.getKey(), quietHoursPolicy(source + ": categories." + entry.getKey(), policy));
                }
            });
        }
        return policies;
    }

    static Timing.QuietHoursPolicy quietHoursPolicy(String where, JsonNode node) {
        for (Timing.QuietHoursPolicy policy : Timing.QuietHoursPolicy.values()) {
            if (policy.id().equals(node.asText())) {
                return policy;
            }
        }
        throw new CatalogException(where + ": quietHours must be 'defer' (push and email wait for the end of the recipient's quiet hours) "
                + "or 'inboxOnly' (they are skipped; the in-app inbox still receives it), got '" + node.asText() + "'");
    }

    /** {@code {max: 5, per: 1h}} */
    private static RateLimit rateLimit(String where, JsonNode limit) {
        if (!limit.isObject()) {
            throw new CatalogException(where + " must be a mapping such as {max: 5, per: 1h}");
        }
        int max = limit.path("max").asInt(0);
        if (max < 1) {
            throw new CatalogException(where + ".max must be a positive number of notifications");
        }
        Duration per = duration(where + ".per", limit.path("per"), null);
        if (per == null || per.isZero()) {
            throw new CatalogException(where + ".per is required, e.g. 1h");
        }
        return new RateLimit(max, per);
    }

    private static NotificationType type(String source, String id, JsonNode node, String defaultLocale, EmailSettings defaultEmail,
                                         Map<String, Timing.QuietHoursPolicy> categoryQuietHours) {
        String where = source + ": type '" + id + "'";
        if (!TYPE_ID.matcher(id).matches()) {
            throw new CatalogException(where + ": a type id is lower-case words separated by dots, e.g. booking.created");
        }
        if (!node.isObject()) {
            throw new CatalogException(where + ": must be a mapping");
        }
        unknownFields(source, "type '" + id + "'", node, TYPE_FIELDS);

        ObjectNode pattern = pattern(where, id, node.path("pattern"));
        RecipientSpec recipients = recipients(where, node.path("recipients"));
        String category = text(node.path("category"), null);
        if (category == null || !CATEGORY.matcher(category).matches()) {
            throw new CatalogException(where + ": category is required, lower-case, e.g. 'bookings'; it keys preferences");
        }
        Priority priority = switch (text(node.path("priority"), "normal")) {
            case "normal" -> Priority.NORMAL;
            case "critical" -> Priority.CRITICAL;
            default -> throw new CatalogException(where + ": priority must be 'normal' or 'critical', got '" + node.path("priority").asText() + "'");
        };
        Map<Channel, Timing.Escalation> escalations = new EnumMap<>(Channel.class);
        List<Channel> channels = channels(where, node.path("channels"), escalations);
        if (recipients.kind() == RecipientSpec.Kind.EMAIL && !channels.equals(List.of(Channel.EMAIL))) {
            throw new CatalogException(where + ": recipients given as email addresses can only use channels [email]");
        }
        DeliveryStrategy delivery = switch (text(node.path("delivery"), "all")) {
            case "all" -> DeliveryStrategy.ALL;
            case "first" -> DeliveryStrategy.FIRST;
            default -> throw new CatalogException(where + ": delivery must be 'all' (every reachable channel) or 'first' (first reachable, with fallback), got '"
                    + node.path("delivery").asText() + "'");
        };
        String locale = text(node.path("defaultLocale"), defaultLocale);
        if (!Locale.forLanguageTag(locale).toLanguageTag().equalsIgnoreCase(locale) || locale.equals("und")) {
            throw new CatalogException(where + ": defaultLocale '" + locale + "' is not a BCP 47 language tag such as en or fr-CA");
        }
        JsonNode enrichNode = node.path("enrich");
        if (!enrichNode.isMissingNode() && !enrichNode.isBoolean()) {
            throw new CatalogException(where + ": enrich must be true or false");
        }
        boolean enrich = enrichNode.asBoolean(recipients.kind() != RecipientSpec.Kind.EMAIL);
        List<EnricherSpec> enrichers = enrichers(where, node.path("enrichers"));
        if (!enrich && !enrichers.isEmpty()) {
            throw new CatalogException(where + ": enrichers are declared but enrich is false");
        }
        EmailSettings email = email(source, "type '" + id + "' email", node.path("email"), defaultEmail);
        if (channels.contains(Channel.EMAIL) && (email == null || email.from() == null)) {
            throw new CatalogException(where + ": uses the email channel but no sender is set; add email.from here or under defaults");
        }
        int maxRecipients = maxRecipients(where, node.path("maxRecipients"));
        List<String> allowedDomains = allowedDomains(where, recipients, node.path("allowedDomains"));
        Timing timing = TimingLoader.timing(where, node, recipients, priority, channels, delivery, escalations,
                categoryQuietHours.getOrDefault(category, Timing.QuietHoursPolicy.INBOX_ONLY));
        return new NotificationType(id, text(node.path("description"), ""), pattern, recipients, category, priority,
                channels, delivery, locale, enrich, enrichers, email, maxRecipients, allowedDomains,
                node.has("sourceRateLimit") ? rateLimit(where + ": sourceRateLimit", node.path("sourceRateLimit")) : null, timing);
    }

    /** How many recipients (ids, addresses or topics) one event may name: a small default, and a ceiling. */
    private static int maxRecipients(String where, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return NotificationType.DEFAULT_MAX_RECIPIENTS;
        }
        if (!node.isInt() || node.asInt() < 1 || node.asInt() > NotificationType.MAX_RECIPIENTS_LIMIT) {
            throw new CatalogException(where + ": maxRecipients must be a whole number from 1 to " + NotificationType.MAX_RECIPIENTS_LIMIT
                    + " (default " + NotificationType.DEFAULT_MAX_RECIPIENTS + "), got '" + node.asText() + "'; reach larger audiences with a topic");
        }
        return node.asInt();
    }

    /** {@code allowedDomains: [example.com]}: the only domains a direct send may email. */
    private static List<String> allowedDomains(String where, RecipientSpec recipients, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (recipients.kind() != RecipientSpec.Kind.EMAIL) {
            throw new CatalogException(where + ": allowedDomains applies to addresses named in the event; this type's recipients are "
                    + recipients.kind().key() + ", not email");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new CatalogException(where + ": allowedDomains must list at least one domain, e.g. [example.com]; leave it out to allow any");
        }
        List<String> domains = new ArrayList<>();
        for (JsonNode d : node) {
            String domain = d.asText().strip().toLowerCase(Locale.ROOT);
            if (!d.isTextual() || !DOMAIN.matcher(domain).matches()) {
                throw new CatalogException(where + ": allowedDomains: '" + d.asText() + "' is not a domain name such as example.com");
            }
            domains.add(domain);
        }
        return domains;
    }

    private static ObjectNode pattern(String where, String id, JsonNode node) {
        if (node.isMissingNode()) {
            ObjectNode pattern = YAML.createObjectNode();
            pattern.putArray("detail-type").add(id);
            return pattern;
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new CatalogException(where + ": pattern must be an EventBridge event pattern, e.g. {source: [demo.app], detail-type: [" + id + "]}");
        }
        checkPattern(where, "pattern", node);
        JsonNode sources = node.path("source");
        if (!sources.isMissingNode()) {
            for (JsonNode s : sources) {
                if (!s.isTextual()) {
                    throw new CatalogException(where + ": pattern.source must list literal source names; leave it out to match any source but herald");
                }
                if (s.asText().equals(EventEnvelope.HERALD_SOURCE)) {
                    throw new CatalogException(where + ": pattern.source must not include 'herald': Herald's own events never trigger notifications");
                }
            }
        }
        return (ObjectNode) node;
    }

    /** EventBridge's shape: every leaf is an array of values or matchers, every inner node an object. */
    private static void checkPattern(String where, String path, JsonNode node) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String fieldPath = path + "." + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                checkPattern(where, fieldPath, value);
            } else if (!value.isArray() || value.isEmpty()) {
                throw new CatalogException(where + ": " + fieldPath + " must be a non-empty list of values, as in EventBridge patterns, e.g. [" + value.asText("value") + "]");
            }
        }
    }

    private static RecipientSpec recipients(String where, JsonNode node) {
        if (!node.isObject() || node.size() != 1) {
            throw new CatalogException(where + ": recipients must name exactly one of userId, email, topic with a path, e.g. {userId: detail.userId}");
        }
        Map.Entry<String, JsonNode> entry = node.fields().next();
        RecipientSpec.Kind kind = null;
        for (RecipientSpec.Kind k : RecipientSpec.Kind.values()) {
            if (k.key().equals(entry.getKey())) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new CatalogException(where + ": recipients." + entry.getKey() + " is unknown; use userId, email or topic");
        }
        try {
            JsonPath path = JsonPath.parse(entry.getValue().asText());
            if (!path.segments().getFirst().equals("detail")) {
                throw new CatalogException(where + ": recipients." + kind.key() + " must be a path into the event's detail, e.g. detail.userId");
            }
            return new RecipientSpec(kind, path);
        } catch (IllegalArgumentException e) {
            throw new CatalogException(where + ": recipients." + kind.key() + ": " + e.getMessage());
        }
    }

    /**
     * {@code [websocket, push, {email: {after: 30m, unlessRead: true}}]}: channels in order of preference, a channel
     * written as a mapping waiting (escalating) after the in-app item.
     */
    private static List<Channel> channels(String where, JsonNode node, Map<Channel, Timing.Escalation> escalations) {
        if (!node.isArray() || node.isEmpty()) {
            throw new CatalogException(where + ": channels must list at least one of " + Channel.names() + ", in order of preference");
        }
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            String name = entry.isObject() && entry.size() == 1 ? entry.fieldNames().next() : entry.asText();
            if (entry.isObject()) {
                Channel escalated = Channel.find(name).orElseThrow(() -> new CatalogException(where + ": channels: unknown channel '" + name
                        + "'; expected one of " + Channel.names()));
                escalations.put(escalated, TimingLoader.escalation(where + ": channels." + name, entry.path(name)));
            }
            Channel channel = Channel.find(name).orElseThrow(() -> new CatalogException(where + ": channels: unknown channel '" + name
                    + "'; expected one of " + Channel.names()));
            if (channels.contains(channel)) {
                throw new CatalogException(where + ": channels lists '" + name + "' twice");
            }
            channels.add(channel);
        }
        return channels;
    }

    private static List<EnricherSpec> enrichers(String where, JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new CatalogException(where + ": enrichers must be a list");
        }
        List<EnricherSpec> enrichers = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode e = node.get(i);
            String at = where + ": enrichers[" + i + "]";
            if (!e.isObject()) {
                throw new CatalogException(at + ": must be a mapping with name and url");
            }
            unknownFields(where, "enrichers[" + i + "]", e, ENRICHER_FIELDS);
            String name = text(e.path("name"), null);
            String url = text(e.path("url"), null);
            if (name == null || !CATEGORY.matcher(name).matches()) {
                throw new CatalogException(at + ": name is required, lower-case; the response appears in template data under it");
            }
            if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new CatalogException(at + ": url is required and must start with http:// or https://");
            }
            enrichers.add(new EnricherSpec(name, url, duration(at + ".timeout", e.path("timeout"), Duration.ofSeconds(2)),
                    e.path("retries").asInt(2), e.path("required").asBoolean(true),
                    duration(at + ".cache", e.path("cache"), Duration.ofSeconds(60))));
        }
        return enrichers;
    }

    static Duration duration(String where, JsonNode node, Duration fallback) {
        if (node.isMissingNode()) {
            return fallback;
        }
        var m = DURATION.matcher(node.asText());
        if (!m.matches()) {
            throw new CatalogException(where + ": '" + node.asText() + "' is not a duration; write e.g. 500ms, 2s, 5m, 1h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static EmailSettings email(String source, String where, JsonNode node, EmailSettings fallback) {
        if (node.isMissingNode()) {
            return fallback;
        }
        if (!node.isObject()) {
            throw new CatalogException(source + ": " + where + " must be a mapping with from and replyTo");
        }
        String from = text(node.path("from"), fallback == null ? null : fallback.from());
        String replyTo = text(node.path("replyTo"), fallback == null ? null : fallback.replyTo());
        if (from != null && !from.contains("@")) {
            throw new CatalogException(source + ": " + where + ".from '" + from + "' is not an email address");
        }
        return new EmailSettings(from, replyTo);
    }

    static void unknownFields(String source, String where, JsonNode node, Set<String> known) {
        node.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw new CatalogException(source + ": " + where + ": unknown field '" + name + "'; expected one of " + String.join(", ", known.stream().sorted().toList()));
            }
        });
    }

    static String text(JsonNode node, String fallback) {
        return node.isMissingNode() || node.isNull() ? fallback : node.asText();
    }
}
