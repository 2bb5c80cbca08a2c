package dev.herald.templates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogException;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.json.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What {@code herald templates check} runs: every template compiles, stays within the Mustache subset SES's
 * Handlebars also renders (variables, sections, inverted sections, comments), uses only variables its type's
 * {@code sample.json} has, and every part a type needs exists in its default locale, so every fallback chain ends
 * somewhere. Raw (unescaped) values are refused unless {@value #RAW_ALLOWLIST} lists them.
 *
 * <p>Stateless; {@link #check(Path)} reads the directory afresh each time.
 */
public final class TemplateChecker {

    /** Lists reviewed raw values, one per line: {@code <type>/<locale or *>/<part> <variable>}, {@code #} comments. */
    public static final String RAW_ALLOWLIST = "raw-allowlist.txt";
    public static final String SAMPLE = "sample.json";

    /** Handlebars reads these as helpers, not as data, so SES would render them differently. */
    private static final Set<String> HANDLEBARS_HELPERS = Set.of("if", "unless", "each", "with", "else", "lookup", "log", "this");
    private static final Pattern NAME = Pattern.compile("\\.|[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_-]*)*");
    private static final Pattern MUSTACHE_LINE = Pattern.compile(":(\\d+)\\]");
    private static final Object UNKNOWN = new Object();
    /** Languages written right to left, whose HTML layout must say so. */
    private static final Set<String> RIGHT_TO_LEFT = Set.of("ar", "he", "iw", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb");
    private static final Pattern DIR_RTL = Pattern.compile("dir\\s*=\\s*[\"']?rtl", Pattern.CASE_INSENSITIVE);

    private TemplateChecker() {
    }

    /** Every problem in {@code templatesDir} (the folder holding {@code catalog.yaml}); empty when all is well. */
    public static List<TemplateProblem> check(Path templatesDir) {
        List<TemplateProblem> problems = new ArrayList<>();
        Path catalogFile = templatesDir.resolve(CatalogLoader.FILE_NAME);
        Catalog catalog;
        try {
            catalog = CatalogLoader.load(catalogFile);
        } catch (CatalogException e) {
            problems.add(new TemplateProblem(catalogFile, lineIn(e.getMessage()), stripLocation(e.getMessage(), catalogFile),
                    "fix the catalog first; templates are checked against it"));
            return problems;
        }
        Set<String> allowlist = allowlist(templatesDir, problems);
        for (NotificationType type : catalog.types()) {
            checkType(templatesDir, type, allowlist, problems);
        }
        for (Path dir : list(templatesDir)) {
            String name = dir.getFileName().toString();
            if (Files.isDirectory(dir) && !name.startsWith(".") && !name.equals("src") && !name.equals("target")
                    && catalog.find(name).isEmpty()) {
                problems.add(new TemplateProblem(dir, 0, "templates for '" + name + "', which catalog.yaml does not define",
                        "add the type to catalog.yaml or delete the folder (types: " + String.join(", ", catalog.typeIds()) + ")"));
            }
        }
        return problems;
    }

    /** The parts a type must have in its default locale, from its channels. */
    public static Set<TemplatePart> requiredParts(NotificationType type) {
        Set<TemplatePart> parts = EnumSet.noneOf(TemplatePart.class);
        for (Channel channel : type.channels()) {
            switch (channel) {
                case EMAIL -> parts.addAll(List.of(TemplatePart.EMAIL_SUBJECT, TemplatePart.EMAIL_HTML, TemplatePart.EMAIL_TEXT));
                case PUSH -> parts.addAll(List.of(TemplatePart.PUSH_TITLE, TemplatePart.PUSH_BODY));
                case WEBSOCKET -> parts.add(TemplatePart.INBOX);
            }
        }
        return parts;
    }

    private static void checkType(Path root, NotificationType type, Set<String> allowlist, List<TemplateProblem> problems) {
        Path typeDir = root.resolve(type.id());
        if (!Files.isDirectory(typeDir)) {
            problems.add(new TemplateProblem(typeDir, 0, "type " + type.id() + " has no templates",
                    "create " + typeDir.resolve(type.defaultLocale()) + "/ with " + fileNames(requiredParts(type)) + ", and "
                            + typeDir.resolve(SAMPLE)));
            return;
        }
        Optional<JsonNode> sample = sample(typeDir.resolve(SAMPLE), problems);

        Path defaultDir = typeDir.resolve(type.defaultLocale());
        Set<TemplatePart> defaultParts = parts(defaultDir);
        if (!Files.isDirectory(defaultDir)) {
            problems.add(new TemplateProblem(defaultDir, 0, "type " + type.id() + " has no templates for its default locale "
                    + type.defaultLocale() + " (catalog.yaml defaultLocale), so no locale has a fallback",
                    "create " + defaultDir + "/ with " + fileNames(requiredParts(type))));
        } else {
            for (TemplatePart part : requiredParts(type)) {
                if (!defaultParts.contains(part)) {
                    problems.add(new TemplateProblem(defaultDir.resolve(part.fileName()), 0, "part " + part.id() + " is missing from the default locale "
                            + type.defaultLocale() + ", and no fallback covers it; channel " + channelOf(part) + " of " + type.id() + " needs it",
                            "create " + defaultDir.resolve(part.fileName())));
                }
            }
        }

        for (Path localeDir : list(typeDir)) {
            if (!Files.isDirectory(localeDir)) {
                String name = localeDir.getFileName().toString();
                if (!name.equals(SAMPLE)) {
                    problems.add(new TemplateProblem(localeDir, 0, "unexpected file in a type folder",
                            "a type folder holds " + SAMPLE + " and one folder per locale; move or delete it"));
                }
                continue;
            }
            String locale = localeDir.getFileName().toString();
            String canonical = Locale.forLanguageTag(locale.replace('_', '-')).toLanguageTag();
            if (canonical.equals("und") || !canonical.equals(locale)) {
                problems.add(new TemplateProblem(localeDir, 0, "'" + locale + "' is not a BCP 47 language tag in canonical form",
                        canonical.equals("und") ? "name the folder after a locale, e.g. en, fr, fr-CA" : "rename the folder to " + canonical));
                continue;
            }
            for (Path file : list(localeDir)) {
                Optional<TemplatePart> part = TemplatePart.fromFileName(file.getFileName().toString());
                if (part.isEmpty()) {
                    problems.add(new TemplateProblem(file, 0, "not a template part",
                            "template files are named " + fileNames(EnumSet.allOf(TemplatePart.class))));
                    continue;
                }
                if (!locale.equals(type.defaultLocale()) && !defaultParts.contains(part.get()) && Files.isDirectory(defaultDir)) {
                    problems.add(new TemplateProblem(file, 0, "part " + part.get().id() + " exists in " + locale + " but not in the default locale "
                            + type.defaultLocale() + ", so recipients in other locales get none",
                            "create " + defaultDir.resolve(part.get().fileName()) + " or delete this file"));
                }
                checkTemplate(file, type.id() + "/" + locale + "/" + part.get().id(), part.get(), locale, sample, allowlist, problems);
            }
        }
    }

    private static void checkTemplate(Path file, String id, TemplatePart part, String locale, Optional<JsonNode> sample,
                                      Set<String> allowlist, List<TemplateProblem> problems) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(new TemplateProblem(file, 0, "cannot read: " + e.getMessage(), "check the file's permissions and encoding (UTF-8)"));
            return;
        }
        int before = problems.size();
        List<TemplateScanner.Tag> tags = TemplateScanner.scan(text);
        Deque<TemplateScanner.Tag> open = new ArrayDeque<>();
        for (TemplateScanner.Tag tag : tags) {
            switch (tag.kind()) {
                case UNTERMINATED -> problems.add(new TemplateProblem(file, tag.line(), "tag " + tag.text() + "… is never closed",
                        "end it with }}"));
                case SET_DELIMITER -> problems.add(new TemplateProblem(file, tag.line(), "set-delimiter tag " + tag.text()
                        + " is not supported (SES's Handlebars cannot render it)", "remove it and use the standard {{ }} delimiters"));
                case PARTIAL -> problems.add(new TemplateProblem(file, tag.line(), "partial " + tag.text()
                        + " is not supported (SES's Handlebars cannot resolve it)", "copy the partial's text into this template"));
                case INHERITANCE -> {
                    problems.add(new TemplateProblem(file, tag.line(), "template inheritance " + tag.text()
                            + " is a mustache.java extension SES's Handlebars cannot render", "write the content into this template"));
                    open.push(tag); // it has a closing tag; keep the section check quiet about it
                }
                case SECTION, INVERTED -> open.push(tag);
                case CLOSE -> {
                    if (open.isEmpty()) {
                        problems.add(new TemplateProblem(file, tag.line(), "closing tag " + tag.text() + " has no open section",
                                "remove it, or open the section with {{#" + tag.name() + "}}"));
                    } else if (!open.peek().name().equals(tag.name())) {
                        TemplateScanner.Tag expected = open.peek();
                        problems.add(new TemplateProblem(file, tag.line(), "closing tag " + tag.text() + " does not match "
                                + expected.text() + " opened on line " + expected.line(), "close {{/" + expected.name() + "}} first"));
                        open.pop();
                    } else {
                        open.pop();
                    }
                }
                case RAW -> {
                    if (!allowlist.contains(id + " " + tag.name()) && !allowlist.contains(anyLocale(id) + " " + tag.name())) {
                        problems.add(new TemplateProblem(file, tag.line(), "raw (unescaped) value " + tag.text()
                                + " is not allowlisted", "use {{" + tag.name() + "}}, or after review add '" + anyLocale(id) + " "
                                + tag.name() + "' to " + RAW_ALLOWLIST));
                    }
                }
                case VARIABLE, COMMENT -> {
                }
            }
            if (tag.kind() == TemplateScanner.Kind.VARIABLE || tag.kind() == TemplateScanner.Kind.RAW
                    || tag.kind() == TemplateScanner.Kind.SECTION || tag.kind() == TemplateScanner.Kind.INVERTED) {
                checkName(file, tag, problems);
            }
        }
        for (TemplateScanner.Tag unclosed : open) {
            problems.add(new TemplateProblem(file, unclosed.line(), "section " + unclosed.text() + " is never closed",
                    "add {{/" + unclosed.name() + "}} where the section ends"));
        }
        if (part == TemplatePart.EMAIL_HTML && RIGHT_TO_LEFT.contains(Locale.forLanguageTag(locale).getLanguage())
                && !DIR_RTL.matcher(text).find()) {
            problems.add(new TemplateProblem(file, 1, locale + " is written right to left, but this HTML layout never says dir=\"rtl\"",
                    "add dir=\"rtl\" lang=\"" + locale + "\" to the <html> element (and to layout tables)"));
        }
        if (problems.size() > before) {
            return; // the structure is broken: variables and compilation would only repeat it less clearly
        }
        Mustache compiled;
        try {
            compiled = HeraldMustacheFactory.forPart(part).compile(text, file.toString());
        } catch (MustacheException e) {
            problems.add(new TemplateProblem(file, lineIn(e.getMessage()), "does not compile: " + e.getMessage(),
                    "fix the template syntax"));
            return;
        }
        if (sample.isEmpty()) {
            return;
        }
        Map<String, Object> model = TemplateModel.of(sample.get(), locale, "UTC");
        checkVariables(file, tags, model, problems);
        try {
            compiled.execute(new StringWriter(), model);
        } catch (RuntimeException e) {
            problems.add(new TemplateProblem(file, lineIn(e.getMessage()), "fails to render " + SAMPLE + ": " + e.getMessage(),
                    "fix the template or the sample data"));
        }
    }

    private static void checkName(Path file, TemplateScanner.Tag tag, List<TemplateProblem> problems) {
        String name = tag.name();
        if (!NAME.matcher(name).matches()) {
            problems.add(new TemplateProblem(file, tag.line(), "tag " + tag.text() + " is not a plain variable name",
                    "use a name or a dotted path such as {{total.formatted}}; SES's Handlebars reads anything else as a helper call"));
        } else if (HANDLEBARS_HELPERS.contains(name.split("\\.")[0])) {
            problems.add(new TemplateProblem(file, tag.line(), "variable " + tag.text() + " is a Handlebars helper name, which SES would render differently",
                    "rename the field in the data"));
        }
    }

    /** Walks the tags with the scopes mustache would have, resolving each name against the sample model. */
    private static void checkVariables(Path file, List<TemplateScanner.Tag> tags, Map<String, Object> model, List<TemplateProblem> problems) {
        Deque<Object> scopes = new ArrayDeque<>();
        scopes.push(model);
        Deque<Boolean> pushed = new ArrayDeque<>();
        for (TemplateScanner.Tag tag : tags) {
            switch (tag.kind()) {
                case VARIABLE, RAW -> resolve(file, tag, scopes, problems);
                case SECTION -> {
                    Object value = resolve(file, tag, scopes, problems);
                    if (value instanceof List<?> list) {
                        if (list.isEmpty()) {
                            problems.add(new TemplateProblem(file, tag.line(), "section " + tag.text() + " iterates a list that is empty in "
                                    + SAMPLE + ", so its content cannot be checked", "add one example element to " + tag.name() + " in " + SAMPLE));
                            value = UNKNOWN;
                        } else {
                            value = list.getFirst();
                        }
                    }
                    scopes.push(value == null ? UNKNOWN : value);
                    pushed.push(true);
                }
                case INVERTED -> {
                    resolve(file, tag, scopes, problems);
                    pushed.push(false);
                }
                case CLOSE -> {
                    if (!pushed.isEmpty() && pushed.pop()) {
                        scopes.pop();
                    }
                }
                default -> {
                }
            }
        }
    }

    private static Object resolve(Path file, TemplateScanner.Tag tag, Deque<Object> scopes, List<TemplateProblem> problems) {
        String name = tag.name();
        if (name.equals(".") || !NAME.matcher(name).matches()) {
            return scopes.peek();
        }
        if (scopes.peek() == UNKNOWN) {
            return UNKNOWN;
        }
        String[] path = name.split("\\.");
        Object value = null;
        boolean found = false;
        for (Object scope : scopes) {
            if (scope == UNKNOWN) {
                return UNKNOWN;
            }
            if (scope instanceof Map<?, ?> map && map.containsKey(path[0])) {
                value = map.get(path[0]);
                found = true;
                break;
            }
        }
        if (!found) {
            Set<String> visible = new TreeSet<>();
            scopes.forEach(scope -> {
                if (scope instanceof Map<?, ?> map) {
                    map.keySet().forEach(k -> visible.add(String.valueOf(k)));
                }
            });
            problems.add(new TemplateProblem(file, tag.line(), "unknown variable {{" + name + "}}", suggestion(path[0], visible, SAMPLE)));
            return UNKNOWN;
        }
        for (int i = 1; i < path.length; i++) {
            if (value instanceof Map<?, ?> map && map.containsKey(path[i])) {
                value = map.get(path[i]);
            } else {
                String parent = String.join(".", Arrays.copyOf(path, i));
                Set<String> keys = value instanceof Map<?, ?> map
                        ? map.keySet().stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new)) : Set.of();
                problems.add(new TemplateProblem(file, tag.line(), "unknown variable {{" + name + "}}",
                        keys.isEmpty() ? SAMPLE + " has " + parent + " as a plain value, with no fields; use {{" + parent + "}}"
                                : suggestion(path[i], keys, parent)));
                return UNKNOWN;
            }
        }
        return value;
    }

    /** "sample.json has checkIn" for a near miss; otherwise the names that are there. */
    private static String suggestion(String name, Set<String> candidates, String where) {
        int tolerance = name.length() >= 6 ? 2 : 1; // short names are all close to each other
        Optional<String> close = candidates.stream()
                .filter(c -> c.equalsIgnoreCase(name) || distance(c.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT)) <= tolerance)
                .min(Comparator.comparingInt(c -> distance(c.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT))));
        if (close.isPresent()) {
            return where + " has " + close.get();
        }
        return "add \"" + name + "\" to " + (where.equals(SAMPLE) ? SAMPLE : where + " in " + SAMPLE)
                + (candidates.isEmpty() ? "" : ", or use one of: " + String.join(", ", candidates));
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Optional<JsonNode> sample(Path file, List<TemplateProblem> problems) {
        if (!Files.isRegularFile(file)) {
            problems.add(new TemplateProblem(file, 0, "missing; every type needs sample data for previews and checks",
                    "create it with the event's detail fields, a recipient {id, displayName, locale, timeZone} and each enricher's output"));
            return Optional.empty();
        }
        try {
            JsonNode sample = Json.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (sample == null || !sample.isObject()) {
                problems.add(new TemplateProblem(file, 1, "must hold a JSON object", "wrap the sample data in { }"));
                return Optional.empty();
            }
            return Optional.of(sample);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            problems.add(new TemplateProblem(file, line, "invalid JSON: " + e.getOriginalMessage(), "fix the JSON syntax"));
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> allowlist(Path root, List<TemplateProblem> problems) {
        Path file = root.resolve(RAW_ALLOWLIST);
        Set<String> entries = new LinkedHashSet<>();
        if (!Files.isRegularFile(file)) {
            return entries;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).replaceFirst("#.*", "").strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] fields = line.split("\\s+");
                if (fields.length != 2 || fields[0].split("/").length != 3) {
                    problems.add(new TemplateProblem(file, i + 1, "entry '" + line + "' is not '<type>/<locale or *>/<part> <variable>'",
                            "e.g. booking.created/*/email.html legalFooter"));
                    continue;
                }
                entries.add(fields[0] + " " + fields[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static String anyLocale(String id) {
        String[] parts = id.split("/");
        return parts[0] + "/*/" + parts[2];
    }

    private static Set<TemplatePart> parts(Path localeDir) {
        Set<TemplatePart> parts = EnumSet.noneOf(TemplatePart.class);
        if (Files.isDirectory(localeDir)) {
            list(localeDir).forEach(f -> TemplatePart.fromFileName(f.getFileName().toString()).ifPresent(parts::add));
        }
        return parts;
    }

    private static String channelOf(TemplatePart part) {
        return switch (part) {
            case EMAIL_SUBJECT, EMAIL_HTML, EMAIL_TEXT -> Channel.EMAIL.id();
            case PUSH_TITLE, PUSH_BODY -> Channel.PUSH.id();
            case INBOX -> Channel.WEBSOCKET.id();
        };
    }

    private static String fileNames(Set<TemplatePart> parts) {
        return parts.stream().map(TemplatePart::fileName).collect(Collectors.joining(", "));
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static int lineIn(String message) {
        if (message == null) {
            return 0;
        }
        Matcher mustache = MUSTACHE_LINE.matcher(message);
        if (mustache.find()) {
            return Integer.parseInt(mustache.group(1));
        }
        Matcher yaml = Pattern.compile("^[^:]*:(\\d+):").matcher(message);
        return yaml.find() ? Integer.parseInt(yaml.group(1)) : 0;
    }

    private static String stripLocation(String message, Path file) {
        String prefix = file.toString();
        String rest = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        return rest.replaceFirst("^(:\\d+)?:\\s*", "");
    }
}
