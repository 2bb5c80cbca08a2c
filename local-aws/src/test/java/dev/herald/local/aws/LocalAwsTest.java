package dev.herald.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.LimitExceededException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;

class LocalAwsTest {

    private static SendEmailRequest email(String to) {
        return SendEmailRequest.builder().fromEmailAddress("herald@example.com").destination(d -> d.toAddresses(to))
                .content(c -> c.simple(m -> m.subject(s -> s.data("Hi")).body(b -> b.text(t -> t.data("Hello"))))).build();
    }

    @Test
    void sesClient_recipientMatchingAFault_getsItOnEveryAttempt_othersAreSent() {
        try (LocalAws aws = LocalAws.start()) {
            // given
            SesV2Client ses = aws.client(SesV2Client.builder());
            aws.faults().addMatching("ses", "MessageRejected", "rejected*");

            // when
            ses.sendEmail(email("camille@example.com"));

            // then
            assertThatThrownBy(() -> ses.sendEmail(email("rejected@example.com"))).isInstanceOf(MessageRejectedException.class);
            assertThatThrownBy(() -> ses.sendEmail(email("rejected@example.com"))).isInstanceOf(MessageRejectedException.class);
            assertThat(aws.outbox().emails()).singleElement().satisfies(e -> assertThat(e.to()).containsExactly("camille@example.com"));
            assertThat(aws.calls(SesApi.SERVICE)).hasSize(3);
        }
    }

    @Test
    void sesClient_signedWithKeysNotIssuedHere_isRefusedAsAwsRefusesThem() {
        try (LocalAws aws = LocalAws.start();
             SesV2Client ses = SesV2Client.builder().endpointOverride(aws.uri()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            // then
            assertThatThrownBy(() -> ses.sendEmail(email("camille@example.com"))).isInstanceOfSatisfying(SesV2Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
            });
            assertThat(aws.outbox().emails()).isEmpty();
        }
    }

    @Test
    void snsClient_createPlatformEndpoint_sameTokenOtherUserData_isInvalidParameter_otherwiseReturnsTheEndpoint() {
        try (LocalAws aws = LocalAws.start()) {
            // given
            SnsClient sns = aws.client(SnsClient.builder());
            String app = "arn:aws:sns:us-east-1:123456789012:app/GCM/herald";
            String arn = sns.createPlatformEndpoint(r -> r.platformApplicationArn(app).token("t1").customUserData("user-1")).endpointArn();

            // then
            assertThat(sns.createPlatformEndpoint(r -> r.platformApplicationArn(app).token("t1").customUserData("user-1")).endpointArn())
                    .isEqualTo(arn);
            assertThat(sns.createPlatformEndpoint(r -> r.platformApplicationArn(app).token("t1")).endpointArn())
                    .as("attributes the request leaves out do not differ").isEqualTo(arn);
            assertThatThrownBy(() -> sns.createPlatformEndpoint(r -> r.platformApplicationArn(app).token("t1").customUserData("user-2")))
                    .isInstanceOf(InvalidParameterException.class).hasMessageContaining("already exists with the same Token");
            assertThat(aws.platformEndpoints().list()).singleElement()
                    .satisfies(e -> assertThat(e).containsAllEntriesOf(Map.of("Token", "t1", "CustomUserData", "user-1")));
        }
    }

    @Test
    void managementClient_recordsFramesPerConnection_closedIsGone_matchingFaultHolds() {
        try (LocalAws aws = LocalAws.start()) {
            // given
            ApiGatewayManagementApiClient api = aws.client(ApiGatewayManagementApiClient.builder());
            aws.connections().close("gone-1");
            aws.faults().addMatching("connections", "throttle", "busy-1");

            // when
            api.postToConnection(r -> r.connectionId("c-1=").data(SdkBytes.fromUtf8String("{\"n\":1}")));
            api.postToConnection(r -> r.connectionId("c-1=").data(SdkBytes.fromUtf8String("{\"n\":2}")));

            // then
            assertThat(aws.connections().framesFor("c-1=")).containsExactly("{\"n\":1}", "{\"n\":2}");
            assertThatThrownBy(() -> api.postToConnection(r -> r.connectionId("gone-1").data(SdkBytes.fromUtf8String("x"))))
                    .isInstanceOf(GoneException.class);
            assertThatThrownBy(() -> api.postToConnection(r -> r.connectionId("busy-1").data(SdkBytes.fromUtf8String("x"))))
                    .isInstanceOf(LimitExceededException.class);
            assertThat(aws.connections().totalFrames()).isEqualTo(2);
        }
    }

    @Test
    void close_stopsTheServer() {
        // given
        LocalAws aws = LocalAws.start();
        int port = aws.uri().getPort();

        // when
        aws.close();

        // then
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }
}
