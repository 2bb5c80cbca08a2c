package dev.herald.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.templates.TemplateCheck;
import dev.herald.templates.TemplatePreview;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "templates", mixinStandardHelpOptions = true, description = "Checks and previews the notification templates.",
        subcommands = {TemplatesCommand.CheckCommand.class, TemplatesCommand.PreviewCommand.class})
public final class TemplatesCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Checks every template against the catalog and the samples; prints each problem with its file and line, exits 1 on any.")
    public static final class CheckCommand implements Callable<Integer> {
        @Option(names = "--templates", paramLabel = "DIR", defaultValue = "templates", description = "templates folder (default: ${DEFAULT-VALUE})")
        Path templates;

        @Override
        public Integer call() {
            return TemplateCheck.report(TemplateCheck.run(templates), templates, System.out, System.err);
        }
    }

    @Command(name = "preview", mixinStandardHelpOptions = true, description = "Renders every part of a type for a locale, to the terminal or to an HTML file.")
    public static final class PreviewCommand implements Callable<Integer> {
        @Parameters(paramLabel = "TYPE", description = "the notification type, e.g. booking.created")
        String type;

        @Option(names = "--locale", defaultValue = "en", description = "the recipient's locale, e.g. fr-CA (default: ${DEFAULT-VALUE})")
        String locale;

        @Option(names = "--data", paramLabel = "FILE", description = "template data as JSON (default: the type's sample.json)")
        Path data;

        @Option(names = "--html", paramLabel = "OUT", description = "write an HTML page to OUT instead of printing text")
        Path html;

        @Option(names = "--templates", paramLabel = "DIR", defaultValue = "templates", description = "templates folder (default: ${DEFAULT-VALUE})")
        Path templates;

        @Override
        public Integer call() {
            JsonNode model = data == null ? null : Json.parse(read(data));
            TemplatePreview.Preview preview = TemplatePreview.directory(templates).render(type, locale, model, null);
            if (html != null) {
                try {
                    Files.writeString(html, preview.toHtml(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + html + ": " + e.getMessage(), e);
                }
                System.out.println("wrote " + html.toAbsolutePath());
            } else {
                System.out.print(preview.toText());
            }
            return 0;
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --data " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
