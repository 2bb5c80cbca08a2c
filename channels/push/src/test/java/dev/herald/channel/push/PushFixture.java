package dev.herald.channel.push;

import dev.herald.delivery.DeliveryRepository;
import dev.herald.recipient.RecipientRepository;
import dev.herald.store.HeraldTables;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/** The real SNS client against a local {@link SnsEndpoint}, and repositories on fresh DynamoDB Local tables. */
final class PushFixture implements AutoCloseable {

    static final String APNS_APP = "arn:aws:sns:us-east-1:123456789012:app/APNS/herald";
    static final String SANDBOX_APP = "arn:aws:sns:us-east-1:123456789012:app/APNS_SANDBOX/herald";
    static final String GCM_APP = "arn:aws:sns:us-east-1:123456789012:app/GCM/herald";

    final Clock clock = Clock.systemUTC();
    final SnsEndpoint endpoint;
    final SnsClient sns;
    final RecipientRepository recipients;
    final DeliveryRepository deliveries;

    PushFixture() throws Exception {
        endpoint = new SnsEndpoint();
        sns = SnsClient.builder().endpointOverride(endpoint.uri()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        HeraldTables.Names tables = LocalDynamo.freshTables();
        recipients = new RecipientRepository(LocalDynamo.client(), tables.recipients(), clock);
        deliveries = new DeliveryRepository(LocalDynamo.client(), tables.deliveries(), clock, Duration.ofDays(30));
    }

    @Override
    public void close() {
        sns.close();
        endpoint.close();
    }
}
