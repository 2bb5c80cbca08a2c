package dev.herald.local.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows what became of an event in herald local: the rules it matched, each invocation, and its deliveries.")
public final class StatusCommand implements Callable<Integer> {

    @Parameters(paramLabel = "EVENT_ID")
    String eventId;

    @Option(names = "--json", description = "Print the whole record as JSON (what GET /local/status/EVENT_ID returns).")
    boolean json;

    @Mixin
    DlqCommand.Target target;

    @Override
    public Integer call() throws JsonProcessingException {
        JsonNode status = target.client().get("/local/status/" + eventId);
        if (json) {
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(status));
        } else {
            print(status, System.out);
        }
        return 0;
    }

    /** One screen a person can read: the event, each invocation with its error, each delivery with its reason. */
    static void print(JsonNode status, PrintStream out) {
        JsonNode event = status.path("event");
        if (event.isMissingNode() || event.isNull()) {
            out.println("event " + text(status.path("eventId")) + ": not in this run's events log (only deliveries survive a restart)");
        } else {
            out.println("event " + text(event.path("eventId")) + "  " + text(event.path("source")) + " / " + text(event.path("detailType"))
                    + "  via " + text(event.path("via")) + " at " + text(event.path("receivedAt")) + "  " + text(event.path("state")));
            if (!event.path("note").isMissingNode() && !event.path("note").isNull()) {
                out.println("  " + text(event.path("note")));
            }
            out.println("matched: " + (event.path("matched").isEmpty() ? "no rule" : join(event.path("matched"))));
            out.println("invocations:");
            for (JsonNode step : event.path("steps")) {
                out.printf("  %-22s %-14s %d attempt%s%s%n", text(step.path("target")), text(step.path("status")), step.path("attempts").asInt(),
                        step.path("attempts").asInt() == 1 ? "" : "s",
                        step.path("error").isTextual() ? "  " + step.path("error").asText() : "");
            }
        }
        JsonNode fanOut = status.path("fanOut");
        if (fanOut.isObject()) {
            out.printf("fan-out: %s, %d page(s), %d member(s) resolved, %d unit(s), %d deliveries created, %d sent%n",
                    fanOut.path("complete").asBoolean() ? "whole audience read" : "reading", fanOut.path("pages").asLong(),
                    fanOut.path("membersResolved").asLong(), fanOut.path("units").asLong(), fanOut.path("deliveriesCreated").asLong(),
                    fanOut.path("sent").asLong());
        }
        JsonNode deliveries = status.path("deliveries");
        out.println("deliveries:" + (deliveries.isEmpty() ? " none" : ""));
        for (JsonNode delivery : deliveries) {
            JsonNode key = delivery.path("key");
            String reason = delivery.path("reason").isTextual() ? delivery.path("reason").asText() : "";
            String due = delivery.path("dueAt").isTextual() ? " (due " + delivery.path("dueAt").asText() + ")" : "";
            out.printf("  %-24s %-24s %-10s %-9s %s%s%n", text(key.path("typeId")), text(key.path("recipientId")), text(key.path("channel")),
                    text(delivery.path("status")), reason, due);
        }
        for (JsonNode digest : status.path("digests")) {
            out.printf("digest: %s for %s, in %s, due %s%n", text(digest.path("typeId")), text(digest.path("recipientId")),
                    text(digest.path("digestNotificationId")), text(digest.path("dueAt")));
        }
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? "-" : node.asText();
    }

    private static String join(JsonNode array) {
        StringBuilder joined = new StringBuilder();
        array.forEach(n -> joined.append(joined.isEmpty() ? "" : ", ").append(n.asText()));
        return joined.toString();
    }
}
