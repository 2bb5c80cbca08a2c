package dev.herald.channel.push;

import dev.herald.delivery.DeliveryRepository;
import dev.herald.fanout.FanOutProgress;
import dev.herald.local.aws.LocalAws;
import dev.herald.local.aws.PlatformEndpointStore;
import dev.herald.local.aws.SnsApi;
import dev.herald.recipient.RecipientRepository;
import dev.herald.store.HeraldTables;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The real SNS client, signing with issued function credentials, against herald local's SNS stand-in
 * ({@link LocalAws}), and repositories on fresh DynamoDB Local tables; with views of what SNS holds and was asked.
 */
final class PushFixture implements AutoCloseable {

    static final String APNS_APP = "arn:aws:sns:us-east-1:123456789012:app/APNS/herald";
    static final String SANDBOX_APP = "arn:aws:sns:us-east-1:123456789012:app/APNS_SANDBOX/herald";
    static final String GCM_APP = "arn:aws:sns:us-east-1:123456789012:app/GCM/herald";

    /** A platform endpoint as SNS keeps it. */
    record Endpoint(String arn, String application, String token, boolean enabled, String customUserData) {
    }

    /** A message SNS accepted for publishing. */
    record Published(String targetArn, String messageStructure, String message) {
    }

    final Clock clock = Clock.systemUTC();
    final LocalAws aws;
    final SnsClient sns;
    final RecipientRepository recipients;
    final DeliveryRepository deliveries;
    final FanOutProgress progress;

    PushFixture() {
        aws = LocalAws.start();
        sns = aws.client(SnsClient.builder());
        HeraldTables.Names tables = LocalDynamo.freshTables();
        recipients = new RecipientRepository(LocalDynamo.client(), tables.recipients(), clock);
        deliveries = new DeliveryRepository(LocalDynamo.client(), tables.deliveries(), clock, Duration.ofDays(30));
        progress = new FanOutProgress(LocalDynamo.client(), tables.deliveries(), clock, Duration.ofDays(30));
    }

    /** An existing, enabled endpoint, as if registered earlier. */
    String endpoint(String application, String token) {
        String[] app = application.substring(application.indexOf(":app/") + 5).split("/");
        String arn = application.substring(0, application.indexOf(":app/")) + ":endpoint/" + app[0] + "/" + app[1] + "/" + UUID.randomUUID();
        aws.platformEndpoints().put(arn, Map.of("application", application, "platform", app[0], "Token", token, "Enabled", "true"));
        return arn;
    }

    /** The endpoint, or null when SNS has none under that ARN. */
    Endpoint find(String arn) {
        return aws.platformEndpoints().get(arn).map(e -> new Endpoint(arn, e.get("application"), e.get("Token"),
                "true".equalsIgnoreCase(e.getOrDefault("Enabled", "true")), e.get("CustomUserData"))).orElse(null);
    }

    /** SNS disables an endpoint when the platform reports its token invalid. */
    void disable(String arn) {
        Map<String, String> endpoint = new HashMap<>(aws.platformEndpoints().get(arn).orElseThrow());
        endpoint.remove(PlatformEndpointStore.ARN);
        endpoint.put("Enabled", "false");
        aws.platformEndpoints().put(arn, endpoint);
    }

    void remove(String arn) {
        aws.platformEndpoints().delete(arn);
    }

    int endpointCount() {
        return aws.platformEndpoints().list().size();
    }

    /** Publishes to this endpoint get {@code status} (429 Throttled, 400 InvalidParameter, 500 InternalError) until {@link #heal}. */
    void failWith(String arn, int status) {
        aws.faults().addMatching("sns", error(status), arn);
    }

    /** Every call of {@code action} (e.g. CreatePlatformEndpoint) gets {@code status} until {@link #heal}. */
    void failAction(String action, int status) {
        aws.faults().addMatching("sns", error(status), action);
    }

    void heal() {
        aws.faults().clear();
    }

    /** The actions called, in order, failed ones and the SDK's retries included. */
    List<String> calls() {
        return aws.calls(SnsApi.SERVICE).stream().map(call -> SnsApi.form(call.request().bodyText()).getOrDefault("Action", "")).toList();
    }

    /** What SNS accepted for publishing, in order. */
    List<Published> published() {
        return aws.calls(SnsApi.SERVICE).stream().filter(call -> call.reply().status() == 200)
                .map(call -> SnsApi.form(call.request().bodyText())).filter(form -> "Publish".equals(form.get("Action")))
                .map(form -> new Published(form.get("TargetArn"), form.get("MessageStructure"), form.get("Message"))).toList();
    }

    List<Published> publishedTo(String arn) {
        return published().stream().filter(p -> p.targetArn().equals(arn)).toList();
    }

    private static String error(int status) {
        return switch (status) {
            case 429 -> "throttle";
            case 400 -> "InvalidParameter";
            default -> "5xx";
        };
    }

    @Override
    public void close() {
        aws.close();
    }
}
