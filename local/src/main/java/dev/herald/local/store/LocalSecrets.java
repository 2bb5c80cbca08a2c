package dev.herald.local.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * herald local's two secrets: the HS256 secret WebSocket tokens are signed with, and the API key of
 * {@code POST /events}. Each comes from its option, else its environment variable, else the data directory
 * (created there on first use, so tokens and keys survive a restart), else it is generated for this run.
 */
public record LocalSecrets(String jwtSecret, String apiKey) {

    public static final String JWT_SECRET_FILE = "jwt-secret";
    public static final String API_KEY_FILE = "api-key";
    public static final String JWT_SECRET_ENV = "HERALD_JWT_SECRET";
    public static final String API_KEY_ENV = "HERALD_API_KEY";

    private static final SecureRandom RANDOM = new SecureRandom();

    public static LocalSecrets resolve(Optional<Path> dataDir, String jwtSecretOption, String apiKeyOption) {
        return new LocalSecrets(
                resolve(dataDir, jwtSecretOption, JWT_SECRET_ENV, JWT_SECRET_FILE, 32),
                resolve(dataDir, apiKeyOption, API_KEY_ENV, API_KEY_FILE, 16));
    }

    /** The JWT secret only, as {@code herald token} finds it without a running runtime. */
    public static Optional<String> jwtSecret(Optional<Path> dataDir, String option) {
        if (option != null && !option.isBlank()) {
            return Optional.of(option);
        }
        String env = System.getenv(JWT_SECRET_ENV);
        if (env != null && !env.isBlank()) {
            return Optional.of(env.strip());
        }
        return dataDir.map(dir -> resolve(Optional.of(dir), null, JWT_SECRET_ENV, JWT_SECRET_FILE, 32));
    }

    private static String resolve(Optional<Path> dataDir, String option, String env, String file, int bytes) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        String fromEnv = System.getenv(env);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        if (dataDir.isEmpty()) {
            return random(bytes);
        }
        Path path = dataDir.get().resolve(file);
        try {
            if (Files.isRegularFile(path)) {
                return Files.readString(path, StandardCharsets.UTF_8).strip();
            }
            Files.createDirectories(dataDir.get());
            String value = random(bytes);
            Files.writeString(path, value + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // on a non-POSIX file system the file keeps its default permissions
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + path + ": " + e.getMessage(), e);
        }
    }

    /** Hex, so the JWT secret has 2 characters per random byte: 32 bytes give a 64-byte HS256 key. */
    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
