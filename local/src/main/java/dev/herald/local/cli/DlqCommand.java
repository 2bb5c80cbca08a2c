package dev.herald.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Lists and redrives herald local's dead letters.",
        subcommands = {DlqCommand.ListCommand.class, DlqCommand.RedriveCommand.class})
public final class DlqCommand {

    /** --port / --endpoint of the running herald local. */
    public static final class Target {
        @Option(names = "--port", defaultValue = "8787", description = "port of herald local (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--endpoint", description = "URL of herald local (default: http://127.0.0.1:PORT)")
        String endpoint;

        RuntimeClient client() {
            return new RuntimeClient(RuntimeClient.endpoint(endpoint, port));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the dead letters, oldest first.")
    public static final class ListCommand implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() {
            JsonNode letters = target.client().get("/local/dlq");
            if (letters.isEmpty()) {
                System.out.println("the DLQ is empty");
                return 0;
            }
            System.out.printf("%-36s  %-18s  %-36s  %8s  %-24s  %s%n", "ID", "FUNCTION", "EVENT", "ATTEMPTS", "FAILED AT", "ERROR");
            for (JsonNode l : letters) {
                System.out.printf("%-36s  %-18s  %-36s  %8d  %-24s  %s%n", l.path("id").asText(), l.path("target").asText(),
                        l.path("eventId").asText("-"), l.path("attempts").asInt(), l.path("failedAt").asText(), l.path("error").asText());
            }
            return 0;
        }
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true, description = "Invokes a dead letter's function again (or every one with --all).")
    public static final class RedriveCommand implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "the dead letter to redrive")
        String id;

        @Option(names = "--all", description = "redrive every dead letter")
        boolean all;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            if ((id == null) == !all) {
                throw new IllegalArgumentException("give one dead letter ID, or --all");
            }
            JsonNode result = target.client().post("/local/dlq/redrive", all ? Map.of("all", true) : Map.of("id", id));
            JsonNode redriven = result.path("redriven");
            redriven.forEach(r -> System.out.println("redriven " + r.path("deadLetterId").asText() + " to " + r.path("target").asText()));
            System.out.println(redriven.size() + " dead letter(s) redriven");
            return 0;
        }
    }
}
