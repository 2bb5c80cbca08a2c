package dev.herald.local.store;

import dev.herald.local.aws.LocalCredentials;
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
 * herald local's secrets: the HS256 secret WebSocket tokens are signed with, the API key of {@code POST /events},
 * and the app credentials (an AWS access key id and secret) its AWS-compatible endpoints accept from apps, the AWS
 * CLI and {@code herald publish}. The first two come from their option, else their environment variable, else the
 * data directory (created there on first use, so tokens and keys survive a restart), else they are generated for
 * this run; the app credentials come from the data directory, else are generated for this run.
 */
public record LocalSecrets(String jwtSecret, String apiKey, String accessKeyId, String secretAccessKey) {

    public static final String JWT_SECRET_FILE = "jwt-secret";
    public static final String API_KEY_FILE = "api-key";
    public static final String AWS_CREDENTIALS_FILE = "aws-credentials";
    public static final String JWT_SECRET_ENV = "HERALD_JWT_SECRET";
    public static final String API_KEY_ENV = "HERALD_API_KEY";

    private static final SecureRandom RANDOM = new SecureRandom();

    public static LocalSecrets resolve(Optional<Path> dataDir, String jwtSecretOption, String apiKeyOption) {
        String[] keys = appCredentials(dataDir);
        return new LocalSecrets(
                resolve(dataDir, jwtSecretOption, JWT_SECRET_ENV, JWT_SECRET_FILE, 32),
                resolve(dataDir, apiKeyOption, API_KEY_ENV, API_KEY_FILE, 16),
                keys[0], keys[1]);
    }

    /** The access key id and secret, one per line in the data directory's {@value #AWS_CREDENTIALS_FILE}. */
    private static String[] appCredentials(Optional<Path> dataDir) {
        if (dataDir.isEmpty()) {
            return LocalCredentials.newAppKeys();
        }
        Path path = dataDir.get().resolve(AWS_CREDENTIALS_FILE);
        try {
            if (Files.isRegularFile(path)) {
                String[] lines = Files.readString(path, StandardCharsets.UTF_8).strip().split("\\R");
                if (lines.length == 2 && !lines[0].isBlank() && !lines[1].isBlank()) {
                    return new String[]{lines[0].strip(), lines[1].strip()};
                }
                throw new IllegalStateException(path + " must hold two lines, the access key id and the secret access key; "
                        + "delete it to have herald local issue new ones");
            }
            String[] keys = LocalCredentials.newAppKeys();
            writePrivate(dataDir.get(), path, keys[0] + "\n" + keys[1] + "\n");
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + path + ": " + e.getMessage(), e);
        }
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
            String value = random(bytes);
            writePrivate(dataDir.get(), path, value + "\n");
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + path + ": " + e.getMessage(), e);
        }
    }

    private static void writePrivate(Path dir, Path path, String content) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(path, content, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // on a non-POSIX file system the file keeps its default permissions
        }
    }

    /** Hex, so the JWT secret has 2 characters per random byte: 32 bytes give a 64-byte HS256 key. */
    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
