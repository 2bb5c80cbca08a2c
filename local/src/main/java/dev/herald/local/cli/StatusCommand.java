package dev.herald.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows what became of an event in herald local: the rules it matched, each invocation, and its deliveries.")
public final class StatusCommand implements Callable<Integer> {

    @Parameters(paramLabel = "EVENT_ID")
    String eventId;

    @Mixin
    DlqCommand.Target target;

    @Override
    public Integer call() {
        JsonNode status = target.client().get("/local/status/" + eventId);
        try {
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(status));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            System.out.println(status);
        }
        return 0;
    }
}
