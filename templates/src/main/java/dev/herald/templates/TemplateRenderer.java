package dev.herald.templates;

import com.github.mustachejava.Mustache;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.NotificationType;
import dev.herald.lambda.Wiring;
import java.io.StringWriter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a type's parts for a locale with mustache.java, looking each part up along the locale's fallback chain
 * ({@link LocaleChain}). {@code email.html} is HTML-escaped; every other part is plain text and is not. Compiled
 * templates are cached; thread-safe.
 */
public final class TemplateRenderer {

    private final TemplateSource source;
    private final Catalog catalog;
    private final Map<String, Optional<Mustache>> compiled = new ConcurrentHashMap<>();

    public TemplateRenderer(TemplateSource source, Catalog catalog) {
        this.source = source;
        this.catalog = catalog;
    }

    /** The renderer a handler uses: the wiring's template folder (herald local), else the templates in the jar. */
    public static TemplateRenderer of(Wiring wiring) {
        return new TemplateRenderer(wiring.templatesDir().map(TemplateSource::directory).orElseGet(TemplateSource::classpath), wiring.catalog());
    }

    public Catalog catalog() {
        return catalog;
    }

    /**
     * Renders {@code part} of {@code typeId} for {@code locale}, or empty when no locale in the chain has the part.
     *
     * @param model the template data, as {@link TemplateModel} prepares it; it is re-localized when the part falls
     *              back to a template in another language
     * @throws dev.herald.catalog.UnknownTypeException   if the catalog has no such type
     * @throws com.github.mustachejava.MustacheException if the template does not compile ({@code herald templates
     *                                                   check} catches that before it ships)
     */
    public Optional<Rendered> render(String typeId, TemplatePart part, String locale, Map<String, Object> model) {
        NotificationType type = catalog.require(typeId);
        for (String candidate : LocaleChain.of(locale, type.defaultLocale())) {
            Optional<Mustache> mustache = compiled.computeIfAbsent(path(typeId, candidate, part), p -> compile(p, part));
            if (mustache.isPresent()) {
                StringWriter out = new StringWriter();
                mustache.get().execute(out, TemplateModel.forTemplateLocale(model, candidate));
                return Optional.of(new Rendered(out.toString(), candidate));
            }
        }
        return Optional.empty();
    }

    /** Every part of the type that some locale in the chain has, in {@link TemplatePart} order. */
    public Map<TemplatePart, Rendered> renderAll(String typeId, String locale, Map<String, Object> model) {
        Map<TemplatePart, Rendered> parts = new EnumMap<>(TemplatePart.class);
        for (TemplatePart part : TemplatePart.values()) {
            render(typeId, part, locale, model).ifPresent(rendered -> parts.put(part, rendered));
        }
        return parts;
    }

    /**
     * Compiles and renders every part of every type in its default locale, with empty data, so that the first real
     * render finds its templates compiled (SnapStart priming). Returns how many parts rendered.
     */
    public int warmUp() {
        int rendered = 0;
        for (NotificationType type : catalog.types()) {
            Map<String, Object> model = TemplateModel.of(null, type.defaultLocale(), "UTC");
            rendered += renderAll(type.id(), type.defaultLocale(), model).size();
        }
        return rendered;
    }

    /** The locale whose file renders {@code part} for {@code locale}, after fallback; empty when none has it. */
    public Optional<String> resolve(String typeId, TemplatePart part, String locale) {
        NotificationType type = catalog.require(typeId);
        return LocaleChain.of(locale, type.defaultLocale()).stream()
                .filter(candidate -> source.read(path(typeId, candidate, part)).isPresent())
                .findFirst();
    }

    static String path(String typeId, String locale, TemplatePart part) {
        return typeId + "/" + locale + "/" + part.fileName();
    }

    private Optional<Mustache> compile(String path, TemplatePart part) {
        return source.read(path).map(text -> HeraldMustacheFactory.forPart(part).compile(text, source.describe(path)));
    }
}
