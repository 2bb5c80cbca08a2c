package dev.herald.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.json.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code herald templates preview} and the dev UI show: every part of a type rendered for a locale, with the
 * type's {@code sample.json} or given data, as terminal text or as one HTML page. Thread-safe.
 */
public final class TemplatePreview {

    private final TemplateSource source;
    private final TemplateRenderer renderer;

    public TemplatePreview(TemplateSource source, Catalog catalog) {
        this.source = source;
        this.renderer = new TemplateRenderer(source, catalog);
    }

    /** Previews the files of a templates folder (the one holding {@code catalog.yaml}), read afresh on each call. */
    public static TemplatePreview directory(Path templatesDir) {
        return new TemplatePreview(TemplateSource.directory(templatesDir), CatalogLoader.load(templatesDir.resolve(CatalogLoader.FILE_NAME)));
    }

    /** A type's sample data, {@code <type>/sample.json}. */
    public JsonNode sample(String typeId) {
        renderer.catalog().require(typeId);
        String path = typeId + "/" + TemplateChecker.SAMPLE;
        return source.read(path).map(Json::parse)
                .orElseThrow(() -> new IllegalArgumentException(source.describe(path) + " not found; create it to preview " + typeId));
    }

    /** Renders with the type's sample data, in the sample recipient's time zone. */
    public Preview render(String typeId, String locale) {
        return render(typeId, locale, null, null);
    }

    /**
     * Renders every part of {@code typeId} for {@code locale}.
     *
     * @param data     the template data, or null for the type's sample; its {@code recipient.locale} is set to {@code locale}
     * @param timeZone an IANA zone, or null for the data's {@code recipient.timeZone} (else UTC)
     */
    public Preview render(String typeId, String locale, JsonNode data, String timeZone) {
        ObjectNode model = (data == null ? sample(typeId) : data).deepCopy();
        JsonNode recipient = model.path(TemplateModel.RECIPIENT);
        String zone = timeZone != null ? timeZone : recipient.path("timeZone").isTextual() ? recipient.path("timeZone").textValue() : "UTC";
        if (recipient.isObject()) {
            ((ObjectNode) recipient).put("locale", locale).put("timeZone", zone);
        }
        Map<TemplatePart, Rendered> parts = renderer.renderAll(typeId, locale, TemplateModel.of(model, locale, zone));
        return new Preview(typeId, locale, zone, parts);
    }

    /** The rendered parts of one type for one locale; each part says which locale's file rendered it. */
    public record Preview(String typeId, String locale, String timeZone, Map<TemplatePart, Rendered> parts) {

        public Preview {
            parts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts));
        }

        /** For a terminal: one block per part, headed by the part and the locale that rendered it. */
        public String toText() {
            StringBuilder out = new StringBuilder();
            out.append(typeId).append(" · locale ").append(locale).append(" · time zone ").append(timeZone).append('\n');
            parts.forEach((part, rendered) -> out.append("\n── ").append(part.id()).append(fallbackNote(rendered)).append(" ──\n")
                    .append(rendered.text().strip()).append('\n'));
            return out.toString();
        }

        /** One self-contained page: the HTML email in a sandboxed frame, the text parts beside it. */
        public String toHtml() {
            StringBuilder out = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                    .append(escape(typeId + " · " + locale)).append("</title>\n<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:60em}"
                            + "h2{font-size:13px;color:#555;margin:1.5em 0 .3em}pre{white-space:pre-wrap;background:#f6f6f6;padding:.8em;border-radius:4px}"
                            + "iframe{width:100%;height:32em;border:1px solid #ccc;border-radius:4px}</style></head><body>\n<h1>")
                    .append(escape(typeId)).append(" <small>").append(escape(locale + " · " + timeZone)).append("</small></h1>\n");
            parts.forEach((part, rendered) -> {
                out.append("<h2>").append(escape(part.id() + fallbackNote(rendered))).append("</h2>\n");
                if (part.isHtml()) {
                    out.append("<iframe sandbox srcdoc=\"").append(escape(rendered.text())).append("\"></iframe>\n");
                } else {
                    out.append("<pre>").append(escape(rendered.text().strip())).append("</pre>\n");
                }
            });
            return out.append("</body></html>\n").toString();
        }

        /** Writes {@link #toHtml()} to {@code file}, for {@code herald templates preview --html OUT}. */
        public void writeHtml(java.nio.file.Path file) {
            try {
                java.nio.file.Files.writeString(file, toHtml(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write the preview to " + file, e);
            }
        }

        private String fallbackNote(Rendered rendered) {
            return rendered.locale().equals(locale) ? "" : " (from " + rendered.locale() + ")";
        }

        private static String escape(String text) {
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        }
    }
}
