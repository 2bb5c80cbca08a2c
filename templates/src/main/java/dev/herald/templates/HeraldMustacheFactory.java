package dev.herald.templates;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * mustache.java set up the way Herald renders: HTML-escaping for HTML parts only (a subject or a push body is
 * plain text, where {@code &amp;} would show as such), and no partials, since a partial would read files by name
 * and SES's Handlebars cannot resolve them.
 */
final class HeraldMustacheFactory extends DefaultMustacheFactory {

    private static final HeraldMustacheFactory HTML = new HeraldMustacheFactory(true);
    private static final HeraldMustacheFactory TEXT = new HeraldMustacheFactory(false);

    private final boolean escapeHtml;

    private HeraldMustacheFactory(boolean escapeHtml) {
        this.escapeHtml = escapeHtml;
    }

    static HeraldMustacheFactory forPart(TemplatePart part) {
        return part.isHtml() ? HTML : TEXT;
    }

    /** Compiles one template; {@code name} (its file) appears in mustache.java's error messages. */
    Mustache compile(String text, String name) {
        return compile(new StringReader(text), name);
    }

    @Override
    public void encode(String value, Writer writer) {
        if (escapeHtml) {
            super.encode(value, writer);
            return;
        }
        try {
            writer.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Mustache compilePartial(String name) {
        throw new MustacheException("partial {{> " + name + "}} is not supported: Herald templates are self-contained, "
                + "so that SES can render them too; copy the partial's text into the template");
    }
}
