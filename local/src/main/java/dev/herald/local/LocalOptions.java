package dev.herald.local;

import dev.herald.catalog.Channel;
import dev.herald.local.bus.RetryPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code herald local} runs.
 *
 * @param port         the one port for everything; 0 picks a free one (tests)
 * @param dataDir      where DynamoDB Local and the secrets are kept; empty for in memory
 * @param templatesDir the folder with {@code catalog.yaml} and the templates
 * @param jwtSecret    HS256 secret for WebSocket tokens; null to take it from the environment or the data directory
 * @param apiKey       key for {@code POST /events}; null likewise
 * @param retries      the asynchronous invocations' retry delays
 * @param workers      invocations running at once
 * @param sendRates    each channel's sends per second, and its provider stand-in's limit; 0 for none
 * @param clock        the time the handlers and the scheduler see; tests drive one to make delays, digests and quiet
 *                     hours come due
 * @param trackEngagement whether the SES stand-in reports opens and clicks (on request, through the dev API), as an
 *                     environment deployed with {@code engagementTracking=true} does; deliveries are reported either way
 */
public record LocalOptions(int port, Optional<Path> dataDir, Path templatesDir, String jwtSecret, String apiKey, RetryPolicy retries,
                           int workers, Map<Channel, Double> sendRates, Clock clock, boolean trackEngagement) {

    /**
     * As a new AWS account starts: SES sends 14 emails per second in production; API Gateway's account throttle is
     * 10,000 requests per second, of which the WebSocket channel takes half; SNS mobile push is paced at 300.
     */
    public static final Map<Channel, Double> DEFAULT_SEND_RATES = Map.of(Channel.EMAIL, 14.0, Channel.WEBSOCKET, 5000.0, Channel.PUSH, 300.0);

    public LocalOptions {
        sendRates = Map.copyOf(sendRates);
    }

    public static final int DEFAULT_PORT = 8787;
    public static final String HOST = "127.0.0.1";

    public static LocalOptions defaults(Path templatesDir) {
        return new LocalOptions(DEFAULT_PORT, Optional.empty(), templatesDir, null, null, RetryPolicy.LOCAL_DEFAULT, 16, DEFAULT_SEND_RATES,
                Clock.systemUTC(), false);
    }

    public LocalOptions withPort(int port) {
        return new LocalOptions(port, dataDir, templatesDir, jwtSecret, apiKey, retries, workers, sendRates, clock, trackEngagement);
    }

    public LocalOptions withDataDir(Path dir) {
        return new LocalOptions(port, Optional.ofNullable(dir), templatesDir, jwtSecret, apiKey, retries, workers, sendRates, clock,
                trackEngagement);
    }

    public LocalOptions withSecrets(String jwtSecret, String apiKey) {
        return new LocalOptions(port, dataDir, templatesDir, jwtSecret, apiKey, retries, workers, sendRates, clock, trackEngagement);
    }

    /** Paces {@code channel} (and limits its provider's stand-in) to {@code perSecond}; 0 for no limit. */
    public LocalOptions withSendRate(Channel channel, double perSecond) {
        Map<Channel, Double> rates = new EnumMap<>(Channel.class);
        rates.putAll(sendRates);
        rates.put(channel, perSecond);
        return new LocalOptions(port, dataDir, templatesDir, jwtSecret, apiKey, retries, workers, rates, clock, trackEngagement);
    }

    /** Runs on {@code clock}: what waits comes due when it says so. */
    public LocalOptions withClock(Clock clock) {
        return new LocalOptions(port, dataDir, templatesDir, jwtSecret, apiKey, retries, workers, sendRates, clock, trackEngagement);
    }

    public LocalOptions withRetries(RetryPolicy retries) {
        return new LocalOptions(port, dataDir, templatesDir, jwtSecret, apiKey, retries, workers, sendRates, clock, trackEngagement);
    }

    /** Has the SES stand-in report opens and clicks, as {@code engagementTracking=true} does in the cloud. */
    public LocalOptions withEngagementTracking(boolean track) {
        return new LocalOptions(port, dataDir, templatesDir, jwtSecret, apiKey, retries, workers, sendRates, clock, track);
    }
}
