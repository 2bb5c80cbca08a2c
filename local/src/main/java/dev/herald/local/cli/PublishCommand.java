package dev.herald.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.aws.AwsClients;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publishes one event with EventBridge PutEvents (the AWS SDK), to herald local by default.",
                "Against herald local it then reports what the event matched; exit code 2 when no rule matched."})
public final class PublishCommand implements Callable<Integer> {

    @Option(names = "--type", required = true, description = "the detail-type, e.g. booking.created")
    String type;

    @Option(names = "--detail", required = true, description = "the detail as JSON, or @FILE to read it from a file")
    String detail;

    @Option(names = "--source", description = "the source (default: the first source of the type's catalog pattern, else herald.cli)")
    String source;

    @Option(names = "--bus", defaultValue = "herald", description = "the event bus (default: ${DEFAULT-VALUE})")
    String bus;

    @Option(names = "--port", defaultValue = "8787", description = "port of herald local (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--endpoint", description = "EventBridge endpoint (default: http://127.0.0.1:PORT)")
    String endpoint;

    @Option(names = "--templates", paramLabel = "DIR", defaultValue = "templates", description = "catalog folder, for the default source")
    Path templates;

    @Override
    public Integer call() {
        String detailJson = readDetail(detail);
        JsonNode parsed = Json.parse(detailJson);
        if (parsed == null || !parsed.isObject()) {
            throw new IllegalArgumentException("--detail must be a JSON object, e.g. '{\"userId\":\"u1\"}'");
        }
        var base = RuntimeClient.endpoint(endpoint, port);
        String eventSource = source != null ? source : defaultSource();
        PutEventsResponse response;
        RuntimeClient runtime = new RuntimeClient(base);
        // herald local checks signatures: sign with the credentials it issued, else (another endpoint) the default chain's
        var credentials = runtime.appCredentials().orElseGet(() -> DefaultCredentialsProvider.builder().build());
        try (EventBridgeClient events = AwsClients.build(EventBridgeClient.builder(), Optional.of(base), credentials)) {
            response = events.putEvents(r -> r.entries(e -> e.eventBusName(bus).source(eventSource).detailType(type).detail(Json.write(parsed))));
        }
        PutEventsResultEntry entry = response.entries().getFirst();
        if (entry.eventId() == null) {
            System.err.println("herald publish: refused: " + entry.errorCode() + ": " + entry.errorMessage());
            return 1;
        }
        System.out.println("published " + entry.eventId() + " (" + eventSource + " / " + type + ")");
        return report(runtime, entry.eventId());
    }

    /** Against herald local, says which rules matched (or that none did). */
    private static int report(RuntimeClient runtime, String eventId) {
        try {
            JsonNode status = runtime.get("/local/status/" + eventId);
            JsonNode matched = status.path("event").path("matched");
            if (matched.isArray() && matched.isEmpty()) {
                System.err.println("herald publish: " + status.path("event").path("note").asText("no rule matched this event"));
                return 2;
            }
            System.out.println("matched " + matched + "; follow it with: herald status " + eventId);
        } catch (RuntimeException notHeraldLocal) {
            // a real EventBridge endpoint has no /local/status; publishing succeeded all the same
        }
        return 0;
    }

    private String defaultSource() {
        Path file = templates.resolve(CatalogLoader.FILE_NAME);
        String home = System.getProperty("herald.home");
        if (!Files.isRegularFile(file) && home != null) {
            file = Path.of(home, "templates", CatalogLoader.FILE_NAME);
        }
        try {
            Catalog catalog = CatalogLoader.load(file);
            return catalog.find(type).map(t -> t.pattern().path("source"))
                    .filter(s -> s.isArray() && !s.isEmpty() && s.get(0).isTextual()).map(s -> s.get(0).asText()).orElse("herald.cli");
        } catch (RuntimeException noCatalog) {
            return "herald.cli";
        }
    }

    private static String readDetail(String value) {
        if (!value.startsWith("@")) {
            return value;
        }
        Path file = Path.of(value.substring(1));
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --detail file " + file + ": " + e.getMessage(), e);
        }
    }
}
