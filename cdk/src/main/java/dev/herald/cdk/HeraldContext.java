package dev.herald.cdk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import software.constructs.Construct;

/**
 * The stack's configuration, read once from CDK context ({@code -c key=value}, or {@code cdk.json}'s "context").
 * Every problem is reported at once, with the key and an example, before a single resource is defined.
 *
 * @param envName          names the deployment (stage, resource names, tags), e.g. {@code dev} or {@code prod}
 * @param senderAddress    the SES identity Herald sends from: a verified address or domain; the email Lambda may
 *                         send from nothing else
 * @param jwtIssuer        the {@code iss} every WebSocket token must carry
 * @param jwtAudience      the {@code aud} every WebSocket token must carry
 * @param jwksUrl          where the issuer publishes its signing keys (RS256), e.g. a Cognito user pool's JWKS URL
 * @param apnsArn          SNS platform application for APNs (production), if Herald pushes to iOS
 * @param apnsSandboxArn   SNS platform application for the APNs sandbox, if Herald pushes to development builds
 * @param gcmArn           SNS platform application for Firebase Cloud Messaging, if Herald pushes to Android
 * @param logRetentionDays how long every Lambda and API log group keeps its logs
 * @param corsOrigins      browser origins allowed to call the ingest API; empty means no CORS (server-side callers)
 * @param unsubscribeUrl   where emails' one-click unsubscribe links (RFC 8058) point instead of the stack's own
 *                         {@code /unsubscribe} endpoint, e.g. that endpoint behind a custom domain
 * @param lambdaJarsDir    a directory holding every {@code *-lambda.jar} (e.g. downloaded CI artifacts); by default
 *                         each jar is taken from its module's {@code target/} directory
 */
public record HeraldContext(
        String envName,
        String senderAddress,
        String jwtIssuer,
        String jwtAudience,
        String jwksUrl,
        Optional<String> apnsArn,
        Optional<String> apnsSandboxArn,
        Optional<String> gcmArn,
        int logRetentionDays,
        List<String> corsOrigins,
        Optional<String> unsubscribeUrl,
        Optional<String> lambdaJarsDir) {

    public static final String ENV_NAME = "envName";
    public static final String SENDER_ADDRESS = "senderAddress";
    public static final String JWT_ISSUER = "jwtIssuer";
    public static final String JWT_AUDIENCE = "jwtAudience";
    public static final String JWKS_URL = "jwksUrl";
    public static final String APNS_ARN = "apnsArn";
    public static final String APNS_SANDBOX_ARN = "apnsSandboxArn";
    public static final String GCM_ARN = "gcmArn";
    public static final String LOG_RETENTION_DAYS = "logRetentionDays";
    public static final String CORS_ORIGINS = "corsOrigins";
    public static final String UNSUBSCRIBE_URL = "unsubscribeUrl";
    public static final String LAMBDA_JARS_DIR = "lambdaJarsDir";

    /** CloudWatch Logs accepts only these retention periods. */
    static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
            1096, 1827, 2192, 2557, 2922, 3288, 3653);

    private static final Pattern ENV = Pattern.compile("[a-z][a-z0-9-]{0,15}");
    private static final Pattern EMAIL_OR_DOMAIN = Pattern.compile("([^@\\s<>]+@)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern PLATFORM_APP_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:app/(APNS|APNS_SANDBOX|GCM)/[^/\\s]+");

    public HeraldContext {
        corsOrigins = List.copyOf(corsOrigins);
    }

    /** Reads and checks every key; throws one {@link IllegalArgumentException} listing every problem. */
    public static HeraldContext from(Construct scope) {
        List<String> problems = new ArrayList<>();
        Reader read = new Reader(scope, problems);
        String envName = read.optional(ENV_NAME).orElse("dev");
        if (!ENV.matcher(envName).matches()) {
            problems.add(ENV_NAME + " '" + envName + "' must be lower-case letters, digits and dashes, at most 16, e.g. dev or prod");
        }
        String sender = read.required(SENDER_ADDRESS, "notifications@example.com or example.com (a verified SES identity)");
        if (sender != null && !EMAIL_OR_DOMAIN.matcher(sender).matches()) {
            problems.add(SENDER_ADDRESS + " '" + sender + "' must be a plain address or domain verified in SES, e.g. notifications@example.com");
        }
        String issuer = read.required(JWT_ISSUER, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf");
        String audience = read.required(JWT_AUDIENCE, "the app client id your tokens are issued for");
        String jwks = read.required(JWKS_URL, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf/.well-known/jwks.json");
        if (jwks != null && !jwks.startsWith("https://")) {
            problems.add(JWKS_URL + " '" + jwks + "' must be an https:// URL");
        }
        Optional<String> apns = read.platformApp(APNS_ARN, "APNS");
        Optional<String> sandbox = read.platformApp(APNS_SANDBOX_ARN, "APNS_SANDBOX");
        Optional<String> gcm = read.platformApp(GCM_ARN, "GCM");
        int retention = 30;
        Optional<String> retentionText = read.optional(LOG_RETENTION_DAYS);
        if (retentionText.isPresent()) {
            try {
                retention = Integer.parseInt(retentionText.get());
            } catch (NumberFormatException e) {
                retention = -1;
            }
            if (!RETENTION_DAYS.contains(retention)) {
                problems.add(LOG_RETENTION_DAYS + " '" + retentionText.get() + "' must be one of CloudWatch's periods: " + RETENTION_DAYS);
            }
        }
        List<String> origins = read.optional(CORS_ORIGINS)
                .map(text -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        for (String origin : origins) {
            if (!origin.equals("*") && !origin.matches("https?://[^/\\s,]+")) {
                problems.add(CORS_ORIGINS + ": '" + origin + "' is not an origin such as https://app.example.com (scheme and host, no path)");
            }
        }
        Optional<String> unsubscribe = read.optional(UNSUBSCRIBE_URL);
        unsubscribe.filter(url -> !url.startsWith("https://"))
                .ifPresent(url -> problems.add(UNSUBSCRIBE_URL + " '" + url + "' must be an https:// URL"));
        Optional<String> jars = read.optional(LAMBDA_JARS_DIR);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Herald's CDK context is incomplete:\n  - " + String.join("\n  - ", problems)
                    + "\nPass each key with -c key=value or set it under \"context\" in cdk/cdk.json (see the README's Deploy section).");
        }
        return new HeraldContext(envName, sender, issuer, audience, jwks, apns, sandbox, gcm, retention, origins, unsubscribe, jars);
    }

    /** The address part of {@link #senderAddress()}, or empty when it names a whole domain. */
    public Optional<String> senderEmail() {
        return senderAddress.contains("@") ? Optional.of(senderAddress) : Optional.empty();
    }

    /** The domain of {@link #senderAddress()}. */
    public String senderDomain() {
        return senderAddress.substring(senderAddress.indexOf('@') + 1);
    }

    /** The platform application ARNs that are configured. */
    public List<String> platformApplicationArns() {
        List<String> arns = new ArrayList<>();
        apnsArn.ifPresent(arns::add);
        apnsSandboxArn.ifPresent(arns::add);
        gcmArn.ifPresent(arns::add);
        return arns;
    }

    private record Reader(Construct scope, List<String> problems) {

        Optional<String> optional(String key) {
            Object value = scope.getNode().tryGetContext(key);
            if (value == null) {
                return Optional.empty();
            }
            String text = String.valueOf(value).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        }

        String required(String key, String example) {
            Optional<String> value = optional(key);
            if (value.isEmpty()) {
                problems.add(key + " is required, e.g. -c " + key + "=" + (example.contains(" ") ? "'" + example + "'" : example));
                return null;
            }
            return value.get();
        }

        Optional<String> platformApp(String key, String platform) {
            Optional<String> value = optional(key);
            value.ifPresent(arn -> {
                var m = PLATFORM_APP_ARN.matcher(arn);
                if (!m.matches() || !m.group(1).equals(platform)) {
                    problems.add(key + " '" + arn + "' must be an SNS platform application ARN for " + platform
                            + ", e.g. arn:aws:sns:eu-west-1:123456789012:app/" + platform + "/my-app");
                }
            });
            return value;
        }
    }
}
