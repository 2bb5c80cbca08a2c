package dev.herald.aws;

import dev.herald.config.HeraldConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds every AWS SDK client Herald uses, the same way: the URLConnection HTTP client (small and quick to start),
 * explicit call timeouts, the region from {@code AWS_REGION}, and, when {@code HERALD_AWS_ENDPOINT} is set, that
 * endpoint instead of AWS, which is how the same handlers talk to herald local or LocalStack.
 *
 * <p>Credentials always come from the SDK's default chain, whatever the endpoint: in Lambda that is the function's
 * role, from {@code AWS_ACCESS_KEY_ID} and friends, or, under SnapStart (where those are not set), from the container
 * credentials endpoint named by {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}. herald local checks signatures as AWS does,
 * so nothing here may sign with made-up keys. A runtime that hands its handlers credentials itself (herald local, tests)
 * passes them explicitly.
 */
public final class AwsClients {

    public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);

    /** Idle connections kept per host: handlers run up to this many calls at once (parallel sends and writes). */
    static final int KEEP_ALIVE_CONNECTIONS = 32;

    static {
        // HttpURLConnection keeps only 5 idle connections per host unless told otherwise, so parallel calls would
        // pay a new TLS handshake each; an operator's own -Dhttp.maxConnections wins
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", Integer.toString(KEEP_ALIVE_CONNECTIONS));
        }
    }

    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(2))
            .socketTimeout(Duration.ofSeconds(5))
            .build();

    private AwsClients() {
    }

    /** Configures and builds a client, e.g. {@code AwsClients.build(DynamoDbClient.builder(), config)}. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, HeraldConfig config) {
        return build(builder, config.awsEndpoint());
    }

    /** As {@link #build(AwsClientBuilder, HeraldConfig)}, against an explicit endpoint (e.g. a WebSocket stage's callback URL). */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, Optional<URI> endpoint) {
        return build(builder, endpoint, DefaultCredentialsProvider.builder().build());
    }

    /** As {@link #build(AwsClientBuilder, Optional)}, signing with {@code credentials} rather than the default chain's. */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, Optional<URI> endpoint,
                                                                                               AwsCredentialsProvider credentials) {
        builder.httpClient(HTTP);
        builder.overrideConfiguration(ClientOverrideConfiguration.builder()
                .apiCallTimeout(API_CALL_TIMEOUT)
                .apiCallAttemptTimeout(API_CALL_ATTEMPT_TIMEOUT)
                .build());
        builder.region(region());
        builder.credentialsProvider(credentials);
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static Region region() {
        String region = System.getenv("AWS_REGION");
        return Region.of(region == null || region.isBlank() ? "us-east-1" : region);
    }
}
