package dev.herald.local;

import dev.herald.local.bus.RetryPolicy;
import java.nio.file.Path;
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
 */
public record LocalOptions(int port, Optional<Path> dataDir, Path templatesDir, String jwtSecret, String apiKey, RetryPolicy retries,
                           int workers) {

    public static final int DEFAULT_PORT = 8787;
    public static final String HOST = "127.0.0.1";

    public static LocalOptions defaults(Path templatesDir) {
        return new LocalOptions(DEFAULT_PORT, Optional.empty(), templatesDir, null, null, RetryPolicy.LOCAL_DEFAULT, 16);
    }

    public LocalOptions withPort(int port) {
        return new LocalOptions(port, dataDir, templatesDir, jwtSecret, apiKey, retries, workers);
    }

    public LocalOptions withDataDir(Path dir) {
        return new LocalOptions(port, Optional.ofNullable(dir), templatesDir, jwtSecret, apiKey, retries, workers);
    }

    public LocalOptions withSecrets(String jwtSecret, String apiKey) {
        return new LocalOptions(port, dataDir, templatesDir, jwtSecret, apiKey, retries, workers);
    }

    public LocalOptions withRetries(RetryPolicy retries) {
        return new LocalOptions(port, dataDir, templatesDir, jwtSecret, apiKey, retries, workers);
    }
}
