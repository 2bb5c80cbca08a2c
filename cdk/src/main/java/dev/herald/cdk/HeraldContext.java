package dev.herald.cdk;

import dev.herald.event.EventEnvelope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * @param alarmEmail       an address every alarm (and its return to OK) is mailed to, through the alarm topic
 * @param publishers       the apps that publish through the ingest API, each with its own API key and usage plan
 * @param ingestAuth       how the ingest API authenticates publishers: an API key each, or IAM (SigV4)
 * @param managementSources the event sources whose management events (recipients, topics, devices) Herald accepts;
 *                         empty: none (the management rules are disabled)
 * @param apiGatewayCloudWatchRole whether this stack sets the account's API Gateway CloudWatch role (one per account
 *                         and region, shared by every API in it)
 * @param delivery         provider rates, mapping concurrency and queue alarms ({@link QueuedDelivery})
 * @param engagementTracking whether SES tracks opens and clicks of Herald's emails (a pixel, rewritten links) and
 *                         reports them, moving deliveries to OPENED and CLICKED; deliveries are reported either way
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
        Optional<String> lambdaJarsDir,
        Optional<String> alarmEmail,
        List<Publisher> publishers,
        IngestAuth ingestAuth,
        List<String> managementSources,
        boolean apiGatewayCloudWatchRole,
        QueuedDelivery delivery,
        boolean engagementTracking) {

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
    public static final String ALARM_EMAIL = "alarmEmail";
    public static final String PUBLISHERS = "publishers";
    public static final String INGEST_AUTH = "ingestAuth";
    public static final String MANAGEMENT_SOURCES = "managementSources";
    public static final String API_GATEWAY_CLOUDWATCH_ROLE = "apiGatewayCloudWatchRole";
    public static final String ENGAGEMENT_TRACKING = "engagementTracking";

    /** The publisher the ingest API has when the {@code publishers} key is not set. */
    public static final String DEFAULT_PUBLISHER = "default";
    /** A publisher's usage plan limits unless its entry says otherwise: well under PutEvents' account quota. */
    static final int DEFAULT_RATE_LIMIT = 100;
    static final int DEFAULT_BURST_LIMIT = 200;

    /** CloudWatch Logs accepts only these retention periods. */
    static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
            1096, 1827, 2192, 2557, 2922, 3288, 3653);

    private static final Pattern ENV = Pattern.compile("[a-z][a-z0-9-]{0,15}");
    private static final Pattern EMAIL_OR_DOMAIN = Pattern.compile("([^@\\s<>]+@)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern PUBLISHER = Pattern.compile("([a-z][a-z0-9-]{0,31})(?::(\\d{1,5})(?:/(\\d{1,5}))?)?");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>,]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern SOURCE = Pattern.compile("[^\\s,]{1,256}");
    private static final Pattern PLATFORM_APP_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:app/(APNS|APNS_SANDBOX|GCM)/[^/\\s]+");

    public HeraldContext {
        corsOrigins = List.copyOf(corsOrigins);
        publishers = List.copyOf(publishers);
        managementSources = List.copyOf(managementSources);
    }

    /**
     * An app that publishes through the ingest API: its own API key, bound to its own usage plan with these limits
     * (requests per second, and the burst above that).
     */
    public record Publisher(String name, int rateLimit, int burstLimit) {
    }

    /** How the ingest API's {@code POST /events} authenticates its callers. */
    public enum IngestAuth {
        /** An API key per publisher ({@code x-api-key}), each with its own usage plan. */
        API_KEY("apiKey"),
        /** SigV4-signed requests from IAM principals allowed {@code execute-api:Invoke} on the method. */
        IAM("iam");

        private final String value;

        IngestAuth(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
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
        Optional<String> alarmEmail = read.optional(ALARM_EMAIL);
        alarmEmail.filter(a -> !EMAIL.matcher(a).matches())
                .ifPresent(a -> problems.add(ALARM_EMAIL + " '" + a + "' must be one email address, e.g. ops@example.com"));
        List<Publisher> publishers = read.publishers();
        IngestAuth ingestAuth = read.ingestAuth();
        List<String> managementSources = read.list(MANAGEMENT_SOURCES);
        for (String source : managementSources) {
            if (!SOURCE.matcher(source).matches() || source.equals(EventEnvelope.HERALD_SOURCE)) {
                problems.add(MANAGEMENT_SOURCES + ": '" + source + "' is not an event source an app may use (at most 256 characters, "
                        + "no spaces, not '" + EventEnvelope.HERALD_SOURCE + "'), e.g. accounts.example");
            }
        }
        boolean accountRole = read.flag(API_GATEWAY_CLOUDWATCH_ROLE);
        boolean engagementTracking = read.flag(ENGAGEMENT_TRACKING);
        QueuedDelivery defaults = QueuedDelivery.DEFAULTS;
        QueuedDelivery delivery = new QueuedDelivery(
                read.number(QueuedDelivery.SES_MAX_SEND_RATE, defaults.sesMaxSendRate()),
                read.number(QueuedDelivery.API_GATEWAY_ACCOUNT_RPS, defaults.apiGatewayAccountRps()),
                read.number(QueuedDelivery.WEBSOCKET_SHARE, defaults.webSocketShare()),
                read.number(QueuedDelivery.SNS_PUBLISH_RATE, defaults.snsPublishRate()),
                (int) read.number(QueuedDelivery.WEBSOCKET_CONCURRENCY, defaults.webSocketConcurrency()),
                (int) read.number(QueuedDelivery.PUSH_CONCURRENCY, defaults.pushConcurrency()),
                (int) read.number(QueuedDelivery.EMAIL_CONCURRENCY, defaults.emailConcurrency()),
                (int) read.number(QueuedDelivery.ENRICHMENT_CONCURRENCY, defaults.enrichmentConcurrency()),
                (int) read.number(QueuedDelivery.QUEUE_AGE_ALARM_SECONDS, defaults.queueAgeAlarmSeconds()));
        problems.addAll(delivery.problems());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Herald's CDK context is incomplete:\n  - " + String.join("\n  - ", problems)
                    + "\nPass each key with -c key=value or set it under \"context\" in cdk/cdk.json (see the README's Deploy section).");
        }
        return new HeraldContext(envName, sender, issuer, audience, jwks, apns, sandbox, gcm, retention, origins, unsubscribe, jars,
                alarmEmail, publishers, ingestAuth, managementSources, accountRole, delivery, engagementTracking);
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

        List<String> list(String key) {
            return optional(key).map(text -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
                    .orElse(List.of());
        }

        /** A number, or {@code fallback} when the key is not set; a problem when it is not a number. */
        double number(String key, double fallback) {
            Optional<String> value = optional(key);
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                return Double.parseDouble(value.get());
            } catch (NumberFormatException e) {
                problems.add(key + " '" + value.get() + "' must be a number");
                return fallback;
            }
        }

        boolean flag(String key) {
            Optional<String> value = optional(key);
            if (value.isPresent() && !value.get().equals("true") && !value.get().equals("false")) {
                problems.add(key + " '" + value.get() + "' must be true or false");
            }
            return value.map(Boolean::parseBoolean).orElse(false);
        }

        /** {@code name[:rate[/burst]]}, comma-separated: {@code billing:50/100,crm}. */
        List<Publisher> publishers() {
            List<String> entries = list(PUBLISHERS);
            if (entries.isEmpty()) {
                return List.of(new Publisher(DEFAULT_PUBLISHER, DEFAULT_RATE_LIMIT, DEFAULT_BURST_LIMIT));
            }
            List<Publisher> publishers = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (String entry : entries) {
                var m = PUBLISHER.matcher(entry);
                if (!m.matches()) {
                    problems.add(PUBLISHERS + ": '" + entry + "' is not name[:rate[/burst]] with a lower-case name of letters, digits "
                            + "and dashes (at most 32), e.g. billing:50/100");
                    continue;
                }
                int rate = m.group(2) == null ? DEFAULT_RATE_LIMIT : Integer.parseInt(m.group(2));
                int burst = m.group(3) == null ? Math.max(rate, Math.min(2 * rate, 5000)) : Integer.parseInt(m.group(3));
                if (rate < 1 || burst < rate) {
                    problems.add(PUBLISHERS + ": '" + entry + "' needs a rate of at least 1 and a burst at least the rate");
                }
                if (!names.add(m.group(1))) {
                    problems.add(PUBLISHERS + ": '" + m.group(1) + "' is listed twice");
                }
                publishers.add(new Publisher(m.group(1), rate, burst));
            }
            return publishers;
        }

        IngestAuth ingestAuth() {
            Optional<String> value = optional(INGEST_AUTH);
            if (value.isEmpty()) {
                return IngestAuth.API_KEY;
            }
            for (IngestAuth auth : IngestAuth.values()) {
                if (auth.value().equals(value.get())) {
                    return auth;
                }
            }
            problems.add(INGEST_AUTH + " '" + value.get() + "' must be apiKey or iam");
            return IngestAuth.API_KEY;
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
