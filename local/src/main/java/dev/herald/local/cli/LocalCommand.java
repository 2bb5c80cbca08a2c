package dev.herald.local.cli;

import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.local.HeraldLocal;
import dev.herald.local.LocalOptions;
import dev.herald.local.bus.RetryPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Runs all of Herald on this machine, on one port of 127.0.0.1: DynamoDB Local, the event bus, the handlers,",
                "AWS-compatible endpoints (EventBridge PutEvents, SES v2, SNS, API Gateway @connections), the WebSocket gateway",
                "and the dev UI. Prints one ready line with every URL, then runs until Ctrl-C."})
public final class LocalCommand implements Callable<Integer> {

    @Option(names = "--port", description = "the one port (default: ${DEFAULT-VALUE})", defaultValue = "8787")
    int port;

    @Option(names = "--data", paramLabel = "DIR", description = "keep the store, DLQ and secrets in DIR across restarts (default: in memory)")
    Path data;

    @Option(names = "--templates", paramLabel = "DIR", description = "folder with catalog.yaml and the templates (default: ${DEFAULT-VALUE})",
            defaultValue = "templates")
    Path templates;

    @Option(names = "--jwt-secret", description = "HS256 secret for WebSocket tokens (default: $HERALD_JWT_SECRET, DIR/jwt-secret, or new each run)")
    String jwtSecret;

    @Option(names = "--api-key", description = "API key for POST /events (default: $HERALD_API_KEY, DIR/api-key, or new each run)")
    String apiKey;

    @Option(names = "--retry-delays", split = ",", paramLabel = "MS", description = "delays before the retries of a failed invocation, in ms (default: 1000,2000)")
    List<Long> retryDelays;

    @Option(names = "--send-rate", paramLabel = "CHANNEL=PER_SECOND",
            description = "a channel's sends per second, and its provider stand-in's limit (default: email=14, websocket=5000, push=300; 0 for none)")
    Map<Channel, Double> sendRates = Map.of();

    @Option(names = "--track-engagement", description = "report email opens and clicks, as engagementTracking=true does in the cloud: "
            + "POST /local/outbox/{messageId}/open or /click stands for the recipient (default: deliveries only)")
    boolean trackEngagement;

    @Override
    public Integer call() throws InterruptedException {
        Path templatesDir = templates;
        if (!Files.isRegularFile(templatesDir.resolve(CatalogLoader.FILE_NAME))) {
            Optional<Path> home = Optional.ofNullable(System.getProperty("herald.home")).map(h -> Path.of(h, "templates"));
            if (home.isPresent() && Files.isRegularFile(home.get().resolve(CatalogLoader.FILE_NAME)) && templates.equals(Path.of("templates"))) {
                templatesDir = home.get();
            } else {
                System.err.println("herald local: " + templatesDir.toAbsolutePath().normalize().resolve(CatalogLoader.FILE_NAME)
                        + " not found; run from your Herald checkout or pass --templates DIR");
                return 1;
            }
        }
        LocalOptions options = LocalOptions.defaults(templatesDir).withPort(port).withDataDir(data).withSecrets(jwtSecret, apiKey)
                .withEngagementTracking(trackEngagement);
        for (Map.Entry<Channel, Double> rate : sendRates.entrySet()) {
            options = options.withSendRate(rate.getKey(), rate.getValue());
        }
        if (retryDelays != null && !retryDelays.isEmpty()) {
            options = options.withRetries(RetryPolicy.ofMillis(retryDelays.stream().mapToLong(Long::longValue).toArray()));
        }
        HeraldLocal local = HeraldLocal.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            local.close();
            stopped.countDown();
        }, "herald-shutdown"));
        System.out.println(local.readyLine());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
