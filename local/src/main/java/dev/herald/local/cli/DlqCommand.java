package dev.herald.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dlq", mixinStandardHelpOptions = true, description = {"Lists and redrives herald local's dead letters:",
        "asynchronous invocations that failed every attempt (enrichment, management events), and the messages that SQS moved to a "
                + "queue's DLQ after its last receive (fan-out, processor, channels)."},
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
            int queued = 0;
            for (JsonNode depth : target.client().get("/local/queues")) {
                String queue = depth.path("queue").asText();
                long messages = depth.path("visible").asLong() + depth.path("inFlight").asLong() + depth.path("delayed").asLong();
                if (queue.endsWith("-dlq") && messages > 0) {
                    System.out.printf("queue %s holds %d message(s); redrive with: herald dlq redrive --queue %s%n", queue, messages,
                            queue.substring(0, queue.length() - "-dlq".length()));
                    queued++;
                }
            }
            if (letters.isEmpty()) {
                System.out.println(queued == 0 ? "the DLQ is empty" : "no failed invocation");
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

    @Command(name = "redrive", mixinStandardHelpOptions = true, description = {"Invokes a dead letter's function again, or moves a queue's DLQ "
            + "back to its queue with SQS's StartMessageMoveTask (--queue), or both for everything (--all)."})
    public static final class RedriveCommand implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "ID", description = "the dead letter to redrive")
        String id;

        @Option(names = "--queue", paramLabel = "QUEUE", description = "the queue whose DLQ to move back, e.g. herald-email")
        String queue;

        @Option(names = "--all", description = "redrive every dead letter and every queue's DLQ")
        boolean all;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            int choices = (id == null ? 0 : 1) + (queue == null ? 0 : 1) + (all ? 1 : 0);
            if (choices != 1) {
                throw new IllegalArgumentException("give one dead letter ID, or --queue QUEUE, or --all");
            }
            if (id != null || all) {
                JsonNode redriven = target.client().post("/local/dlq/redrive", all ? Map.of("all", true) : Map.of("id", id)).path("redriven");
                redriven.forEach(r -> System.out.println("redriven " + r.path("deadLetterId").asText() + " to " + r.path("target").asText()));
                System.out.println(redriven.size() + " dead letter(s) redriven");
            }
            if (queue != null || all) {
                JsonNode moved = target.client().post("/local/queues/redrive", all ? Map.of("all", true) : Map.of("queue", queue)).path("redriven");
                moved.forEach(q -> System.out.println("moving " + q.path("messages").asLong() + " message(s) from " + q.path("queue").asText()
                        + "-dlq back to " + q.path("queue").asText()));
            }
            return 0;
        }
    }
}
