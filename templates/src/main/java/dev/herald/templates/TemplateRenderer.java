package dev.herald.templates;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.NotificationType;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a type's parts for a locale with mustache.java, looking each part up along the locale's fallback chain.
 * Compiled templates are cached; thread-safe.
 */
public final class TemplateRenderer {

    private final TemplateSource source;
    private final Catalog catalog;
    private final DefaultMustacheFactory factory = new DefaultMustacheFactory();
    private final Map<String, Optional<Mustache>> compiled = new ConcurrentHashMap<>();

    public TemplateRenderer(TemplateSource source, Catalog catalog) {
        this.source = source;
        this.catalog = catalog;
    }

    /**
     * Renders {@code part} of {@code typeId} for {@code locale}, or empty when no locale in the chain has the part.
     *
     * @param model the template data: maps, lists and scalars, as {@link TemplateModel} prepares them
     */
    public Optional<Rendered> render(String typeId, TemplatePart part, String locale, Map<String, Object> model) {
        NotificationType type = catalog.require(typeId);
        for (String candidate : LocaleChain.of(locale, type.defaultLocale())) {
            String path = typeId + "/" + candidate + "/" + part.fileName();
            Optional<Mustache> mustache = compiled.computeIfAbsent(path, this::compile);
            if (mustache.isPresent()) {
                StringWriter out = new StringWriter();
                mustache.get().execute(out, model);
                return Optional.of(new Rendered(out.toString(), candidate));
            }
        }
        return Optional.empty();
    }

    private Optional<Mustache> compile(String path) {
        return source.read(path).map(text -> factory.compile(new StringReader(text), source.describe(path)));
    }
}
