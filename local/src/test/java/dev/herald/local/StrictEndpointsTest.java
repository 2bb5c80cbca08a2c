package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.aws.AwsClients;
import dev.herald.local.aws.ContainerCredentialsApi;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/** herald local refuses what AWS refuses: unsigned and wrongly signed calls, and PutEvents members of the wrong type. */
class StrictEndpointsTest {

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();
    /** What Herald's clients used to sign with whenever an endpoint was overridden and no AWS_ACCESS_KEY_ID was set. */
    private static final StaticCredentialsProvider OLD_STATIC_KEYS = StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    @Test
    void oldStaticCredentials_areRefusedByEveryAwsEndpoint() {
        Optional<URI> endpoint = Optional.of(URI.create(local.baseUrl()));
        try (EventBridgeClient events = AwsClients.build(EventBridgeClient.builder(), endpoint, OLD_STATIC_KEYS);
             SesV2Client ses = AwsClients.build(SesV2Client.builder(), endpoint, OLD_STATIC_KEYS);
             SnsClient sns = AwsClients.build(SnsClient.builder(), endpoint, OLD_STATIC_KEYS);
             ApiGatewayManagementApiClient connections = AwsClients.build(ApiGatewayManagementApiClient.builder(), endpoint, OLD_STATIC_KEYS)) {
            assertThatThrownBy(() -> events.putEvents(r -> r.entries(e -> e.source("demo.app").detailType("booking.created").detail("{}"))))
                    .isInstanceOf(AwsServiceException.class).satisfies(e -> assertCode(e, 400, "UnrecognizedClientException"));
            assertThatThrownBy(() -> ses.sendEmail(r -> r.fromEmailAddress("a@herald.example").destination(d -> d.toAddresses("b@example.com"))
                    .content(c -> c.simple(m -> m.subject(s -> s.data("s")).body(b -> b.text(t -> t.data("t")))))))
                    .isInstanceOf(AwsServiceException.class).satisfies(e -> assertCode(e, 403, "UnrecognizedClientException"));
            assertThatThrownBy(() -> sns.publish(r -> r.targetArn("arn:aws:sns:us-east-1:000000000000:endpoint/GCM/x/y").message("m")))
                    .isInstanceOf(AwsServiceException.class).satisfies(e -> assertCode(e, 403, "InvalidClientTokenId"));
            assertThatThrownBy(() -> connections.postToConnection(r -> r.connectionId("abc=").data(SdkBytes.fromUtf8String("x"))))
                    .isInstanceOf(AwsServiceException.class).satisfies(e -> assertCode(e, 403, "UnrecognizedClientException"));
        }
        assertThat(local.outbox().emails()).isEmpty();
    }

    @Test
    void appCredentialsWithAnotherSecret_areAnInvalidSignature() {
        var wrongSecret = StaticCredentialsProvider.create(AwsBasicCredentials.create(local.appCredentials().accessKeyId(), "not-the-secret"));
        try (EventBridgeClient events = AwsClients.build(EventBridgeClient.builder(), Optional.of(URI.create(local.baseUrl())), wrongSecret)) {
            assertThatThrownBy(() -> events.putEvents(r -> r.entries(e -> e.source("demo.app").detailType("booking.created").detail("{}"))))
                    .isInstanceOf(AwsServiceException.class).satisfies(e -> assertCode(e, 400, "InvalidSignatureException"));
        }
    }

    @Test
    void putEvents_detailAsAnObject_isASerializationException() throws Exception {
        // when
        var response = LocalFixture.putEventsRaw(local, "{\"Entries\":[{\"Source\":\"demo.app\",\"DetailType\":\"booking.created\",\"Detail\":{\"userId\":\"u1\"}}]}");

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("__type").asText()).isEqualTo("SerializationException");
        assertThat(json(response.body()).path("message").asText()).contains("Entries[0].Detail").contains("Start of structure");
    }

    @Test
    void putEvents_sourceAsANumber_isASerializationException() throws Exception {
        // when
        var response = LocalFixture.putEventsRaw(local, "{\"Entries\":[{\"Source\":42,\"DetailType\":\"booking.created\",\"Detail\":\"{}\"}]}");

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("__type").asText()).isEqualTo("SerializationException");
        assertThat(json(response.body()).path("message").asText()).contains("Entries[0].Source");
    }

    @Test
    void putEvents_resourcesAsAString_isASerializationException() throws Exception {
        // when
        var response = LocalFixture.putEventsRaw(local,
                "{\"Entries\":[{\"Source\":\"demo.app\",\"DetailType\":\"booking.created\",\"Detail\":\"{}\",\"Resources\":\"arn:aws:x\"}]}");

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("message").asText()).contains("Entries[0].Resources").contains("a list of strings");
    }

    @Test
    void putEvents_envelopeNames_areNotPutEventsMembers() throws Exception {
        // when: the envelope's own names, which Herald's POST /events takes but PutEvents does not
        var response = LocalFixture.putEventsRaw(local, "{\"Entries\":[{\"source\":\"demo.app\",\"detail-type\":\"booking.created\",\"detail\":\"{}\"}]}");

        // then
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/Entries/0/ErrorCode").asText()).isEqualTo("InvalidArgument");
        assertThat(json(response.body()).at("/Entries/0/ErrorMessage").asText()).contains("Source is a required argument");
    }

    @Test
    void postWithoutTarget_getsA400NamingTheHeader() throws Exception {
        // when
        var response = LocalFixture.signedPost(local, "events", "{\"Entries\":[]}", "Content-Type", "application/x-amz-json-1.1");

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).path("message").asText()).contains("X-Amz-Target");
    }

    @Test
    void snsMalformedForm_isAnAwsShaped400() throws Exception {
        // when
        var response = LocalFixture.signedPost(local, "sns", "Action=Publish&Message=%zz", "Content-Type", "application/x-www-form-urlencoded");

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>MalformedQueryString</Code>").doesNotContain("Exception");
    }

    @Test
    void unsignedRequest_isRefusedBeforeItsBodyIsRead() throws Exception {
        // given: headers that announce 50 MB of body, and no body at all
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), local.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1:" + local.port() + "\r\nContent-Type: application/x-amz-json-1.1\r\n"
                    + "X-Amz-Target: AWSEvents.PutEvents\r\nContent-Length: 900000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // when
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();

            // then: answered at once, without waiting for the body
            assertThat(status).isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(in.lines().takeWhile(l -> true).anyMatch(l -> l.contains("MissingAuthenticationTokenException"))).isTrue();
        }
    }

    @Test
    void requestDeclaringMoreThanTheLimit_isRefusedFromItsContentLength() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), local.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + local.apiKey()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(status).isEqualTo("HTTP/1.1 413 Payload Too Large");
        }
    }

    @Test
    void containerCredentials_needTheAuthorizationToken() throws Exception {
        // given
        var environment = local.functionCredentialsEnvironment();
        URI uri = URI.create(environment.get(ContainerCredentialsApi.FULL_URI));

        // when
        var refused = LocalFixture.HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "wrong").build(), HttpResponse.BodyHandlers.ofString());
        var issued = LocalFixture.HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", environment.get(ContainerCredentialsApi.AUTHORIZATION_TOKEN))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

        // then
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(issued.statusCode()).isEqualTo(200);
        assertThat(json(issued.body()).path("AccessKeyId").asText()).startsWith("ASIA");
        assertThat(json(issued.body()).path("Token").asText()).isNotBlank();
        assertThat(json(issued.body()).path("Expiration").asText()).isNotBlank();
    }

    private static void assertCode(Throwable e, int status, String code) {
        AwsServiceException aws = (AwsServiceException) e;
        assertThat(aws.statusCode()).as(aws.getMessage()).isEqualTo(status);
        assertThat(aws.awsErrorDetails().errorCode()).as(aws.getMessage()).isEqualTo(code);
    }
}
