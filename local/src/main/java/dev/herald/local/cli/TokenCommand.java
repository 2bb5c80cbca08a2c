package dev.herald.local.cli;

import dev.herald.channel.websocket.auth.Tokens;
import dev.herald.local.store.LocalSecrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Prints a WebSocket token (JWT) for a user, as the last line of output.",
                "Signs it with --jwt-secret, $HERALD_JWT_SECRET or --data DIR's secret; otherwise asks the running herald local."})
public final class TokenCommand implements Callable<Integer> {

    @Option(names = "--user", required = true, description = "the user id (the token's sub)")
    String user;

    @Option(names = "--ttl", description = "how long the token is valid, e.g. 30m, 12h (default: ${DEFAULT-VALUE})", defaultValue = "12h")
    String ttl;

    @Option(names = "--data", paramLabel = "DIR", description = "the --data DIR of herald local, whose secret signs the token")
    Path data;

    @Option(names = "--jwt-secret", description = "the HS256 secret herald local runs with")
    String jwtSecret;

    @Option(names = "--port", defaultValue = "8787", description = "port of the running herald local (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--endpoint", description = "URL of the running herald local (default: http://127.0.0.1:PORT)")
    String endpoint;

    @Override
    public Integer call() {
        Duration validFor = duration(ttl);
        Optional<String> secret = LocalSecrets.jwtSecret(Optional.ofNullable(data), jwtSecret);
        String token = secret.isPresent()
                ? Tokens.issueDev(secret.get(), user, validFor)
                : new RuntimeClient(RuntimeClient.endpoint(endpoint, port)).post("/local/token",
                        Map.of("user", user, "ttlSeconds", validFor.toSeconds())).path("token").asText();
        System.out.println(token);
        return 0;
    }

    static Duration duration(String text) {
        var m = java.util.regex.Pattern.compile("(\\d+)(s|m|h|d)").matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--ttl '" + text + "' is not a duration; write e.g. 30m, 12h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
