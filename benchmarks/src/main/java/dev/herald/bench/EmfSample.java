package dev.herald.bench;

import dev.herald.catalog.Channel;
import dev.herald.cdk.HeraldFunction;
import dev.herald.observability.EmfNotificationMetrics;
import dev.herald.observability.NotificationMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Prints, for each function named in the arguments, the size of the EMF line that {@link EmfNotificationMetrics} writes
 * for one channel and one outcome, as {@code emf-bytes <FUNCTION> <bytes>}. Run by {@link LambdaLogs#emfLineBytes} in a
 * JVM with Lambda's variables, so that Powertools Metrics writes its lines to standard output as it does in Lambda.
 */
final class EmfSample {

    static final String PREFIX = "emf-bytes ";

    private EmfSample() {
    }

    public static void main(String[] args) {
        PrintStream stdout = System.out;
        for (String name : args) {
            HeraldFunction function = HeraldFunction.valueOf(name);
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                EmfNotificationMetrics metrics = new EmfNotificationMetrics(LambdaLogs.serviceName(function));
                metrics.count(NotificationMetrics.Outcome.DELIVERED, Channel.WEBSOCKET, 1);
                metrics.flush();
            } finally {
                System.setOut(stdout);
            }
            captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{")).findFirst()
                    .ifPresent(line -> stdout.println(PREFIX + name + " " + line.getBytes(StandardCharsets.UTF_8).length));
        }
    }
}
