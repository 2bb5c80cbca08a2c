package dev.herald.local.aws;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The AWS credentials herald local issues, and the only ones its endpoints accept:
 * <ul>
 *   <li>the <b>app credentials</b>, long-term keys (like an IAM user's) for apps, the AWS CLI and {@code herald publish};
 *   kept in the data directory, so they survive a restart;</li>
 *   <li><b>function credentials</b>: temporary keys with a session token and an expiration, as a Lambda function's
 *   execution role gets them. The handlers fetch them from the container-credentials endpoint, as SnapStart
 *   functions do in AWS ({@link ContainerCredentialsApi}). A new session is issued well before the last expires, and
 *   an expired one is refused with {@code ExpiredTokenException}.</li>
 * </ul>
 * Thread-safe.
 */
public final class LocalCredentials {

    /** How long a function session lasts; Lambda's own last for hours, a short one here makes refresh happen. */
    static final Duration SESSION_LIFETIME = Duration.ofHours(1);
    /** A session this close to expiring is replaced when credentials are next asked for. */
    static final Duration RENEW_BEFORE = Duration.ofMinutes(15);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] KEY_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    /** Credentials herald local issued: a session token and an expiration for temporary ones, else null. */
    public record Issued(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {

        /** Temporary keys are only valid with their own session token; long-term keys with none. */
        boolean acceptsToken(String token) {
            return sessionToken == null ? token == null : sessionToken.equals(token);
        }

        boolean expiredAt(Instant now) {
            return expiration != null && !now.isBefore(expiration);
        }

        public AwsCredentialsProvider provider() {
            return StaticCredentialsProvider.create(sessionToken == null
                    ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
                    : AwsSessionCredentials.builder().accessKeyId(accessKeyId).secretAccessKey(secretAccessKey)
                            .sessionToken(sessionToken).expirationTime(expiration).build());
        }
    }

    private final Issued app;
    private final Clock clock;
    private final Map<String, Issued> sessions = new ConcurrentHashMap<>();
    private volatile Issued currentSession;

    public LocalCredentials(String appAccessKeyId, String appSecretAccessKey, Clock clock) {
        this.app = new Issued(appAccessKeyId, appSecretAccessKey, null, null);
        this.clock = clock;
    }

    /** New app credentials: an {@code AKIA…} key id and a 40-character secret. */
    public static String[] newAppKeys() {
        return new String[]{"AKIA" + randomKeyId(), randomSecret()};
    }

    /** The long-term keys apps, the AWS CLI and the herald command line sign with. */
    public Issued app() {
        return app;
    }

    /** The function role's current session, renewed when it is close to expiring. */
    public synchronized Issued functionSession() {
        Instant now = clock.instant();
        if (currentSession == null || !now.isBefore(currentSession.expiration().minus(RENEW_BEFORE))) {
            currentSession = new Issued("ASIA" + randomKeyId(), randomSecret(), randomSecret() + randomSecret(), now.plus(SESSION_LIFETIME));
            sessions.put(currentSession.accessKeyId(), currentSession);
            sessions.values().removeIf(s -> s.expiredAt(now.minus(SESSION_LIFETIME)));
        }
        return currentSession;
    }

    /** A provider that always hands out the current function session, as the SDK's container provider does. */
    public AwsCredentialsProvider functionProvider() {
        return () -> functionSession().provider().resolveCredentials();
    }

    /** The credentials issued under this access key id, expired sessions included (they are refused as expired). */
    public Optional<Issued> find(String accessKeyId) {
        if (app.accessKeyId().equals(accessKeyId)) {
            return Optional.of(app);
        }
        return Optional.ofNullable(sessions.get(accessKeyId));
    }

    private static String randomKeyId() {
        StringBuilder id = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            id.append(KEY_ID_CHARS[RANDOM.nextInt(KEY_ID_CHARS.length)]);
        }
        return id.toString();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[30];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replace('+', 'x').replace('/', 'y');
    }
}
