package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.LimitExceededException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.RequestTooLargeException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.SnsException;

/** The SES, SNS and Management API stand-ins, through the real SDK clients, with injected faults. */
class StandInsTest {

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();
    private static final URI endpoint = URI.create(local.baseUrl());

    @AfterEach
    void clearFaults() {
        local.faults().clear();
    }

    @Test
    void sesSendEmail_isRecordedInTheOutbox() throws Exception {
        try (SesV2Client ses = local.client(SesV2Client.builder())) {
            // when
            String id = ses.sendEmail(r -> r.fromEmailAddress("from@herald.example").destination(d -> d.toAddresses("guest@example.com"))
                    .configurationSetName("herald").content(c -> c.simple(m -> m.subject(s -> s.data("Bonjour"))
                            .body(b -> b.html(h -> h.data("<p>Salut</p>")).text(t -> t.data("Salut")))
                            .headers(h -> h.name("List-Unsubscribe").value("<https://u.example>"))))).messageId();

            // then
            var outbox = json(LocalFixture.get(local, "/local/outbox").body());
            var email = outbox.path("emails").get(0);
            assertThat(email.path("messageId").asText()).isEqualTo(id);
            assertThat(email.path("subject").asText()).isEqualTo("Bonjour");
            assertThat(email.path("to").get(0).asText()).isEqualTo("guest@example.com");
            assertThat(email.path("headers").path("List-Unsubscribe").asText()).isEqualTo("<https://u.example>");
        }
    }

    @Test
    void sesSendEmail_withInjectedRejection_throwsMessageRejected() {
        // given
        local.faults().add("ses", "MessageRejected", 1);

        // then
        try (SesV2Client ses = local.client(SesV2Client.builder())) {
            assertThatThrownBy(() -> ses.sendEmail(r -> r.fromEmailAddress("a@b.example").destination(d -> d.toAddresses("c@d.example"))
                    .content(c -> c.simple(m -> m.subject(s -> s.data("s")).body(b -> b.text(t -> t.data("t")))))))
                    .isInstanceOf(MessageRejectedException.class);
        }
    }

    @Test
    void faultsApi_matchingFault_failsEveryCallToThatSubjectOnly() throws Exception {
        // given
        var response = LocalFixture.post(local, "/local/faults", "{\"target\":\"ses\",\"error\":\"MessageRejected\",\"matching\":\"rejected*\"}",
                "Content-Type", "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        try (SesV2Client ses = local.client(SesV2Client.builder())) {
            // when / then: every send to a matching address fails, the others go through
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> ses.sendEmail(r -> r.fromEmailAddress("a@herald.example").destination(d -> d.toAddresses("rejected-1@example.com"))
                        .content(c -> c.simple(m -> m.subject(t -> t.data("s")).body(b -> b.text(t -> t.data("t")))))))
                        .isInstanceOf(MessageRejectedException.class);
            }
            assertThat(ses.sendEmail(r -> r.fromEmailAddress("a@herald.example").destination(d -> d.toAddresses("guest@example.com"))
                    .content(c -> c.simple(m -> m.subject(t -> t.data("s")).body(b -> b.text(t -> t.data("t")))))).messageId()).isNotBlank();
        }
    }

    @Test
    void snsEndpoint_lifecycle_createGetSetPublish() {
        try (SnsClient sns = local.client(SnsClient.builder())) {
            // given
            String app = HeraldLocal.SNS_APPLICATION_PREFIX + "GCM/herald-local";
            String arn = sns.createPlatformEndpoint(r -> r.platformApplicationArn(app).token("tok-1").customUserData("user-7")).endpointArn();

            // when / then: the same token gives the same endpoint
            assertThat(sns.createPlatformEndpoint(r -> r.platformApplicationArn(app).token("tok-1")).endpointArn()).isEqualTo(arn);
            assertThat(sns.getEndpointAttributes(r -> r.endpointArn(arn)).attributes()).containsEntry("Token", "tok-1").containsEntry("Enabled", "true");

            String message = "{\"default\":\"hi\",\"GCM\":\"{\\\"notification\\\":{\\\"title\\\":\\\"hi\\\"}}\"}";
            sns.publish(r -> r.targetArn(arn).messageStructure("json").message(message));
            assertThat(local.outbox().pushes().getFirst().targetArn()).isEqualTo(arn);
            assertThat(local.outbox().pushes().getFirst().recipient()).isEqualTo("user-7");

            sns.setEndpointAttributes(r -> r.endpointArn(arn).attributes(Map.of("Enabled", "false")));
            assertThatThrownBy(() -> sns.publish(r -> r.targetArn(arn).messageStructure("json").message(message)))
                    .isInstanceOf(EndpointDisabledException.class);
            assertThatThrownBy(() -> sns.publish(r -> r.targetArn(arn + "-gone").message("x"))).isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void snsPublish_jsonWithoutDefault_isRefused() {
        try (SnsClient sns = local.client(SnsClient.builder())) {
            String arn = sns.createPlatformEndpoint(r -> r.platformApplicationArn(HeraldLocal.SNS_APPLICATION_PREFIX + "APNS/herald-local")
                    .token("tok-2")).endpointArn();
            assertThatThrownBy(() -> sns.publish(r -> r.targetArn(arn).messageStructure("json").message("{\"APNS\":\"{}\"}")))
                    .isInstanceOf(SnsException.class).hasMessageContaining("No default entry");
        }
    }

    @Test
    void snsUnsupportedAction_getsAnErrorNamingIt() {
        try (SnsClient sns = local.client(SnsClient.builder())) {
            assertThatThrownBy(sns::listTopics).isInstanceOf(SnsException.class).hasMessageContaining("does not support SNS ListTopics");
        }
    }

    @Test
    void sdkCallToAnotherService_getsAnAwsErrorNamingIt() {
        try (var dynamo = local.client(software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder())) {
            assertThatThrownBy(dynamo::listTables)
                    .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.DynamoDbException.class)
                    .hasMessageContaining("herald local does not support DynamoDB_20120810.ListTables");
        }
    }

    @Test
    void lambdaInvoke_queuesAsynchronousInvocations_asLambdaDoes() {
        try (LambdaClient lambda = local.client(LambdaClient.builder())) {
            // an asynchronous function (enrichment, as EventBridge invokes it), by name: accepted with 202; an event of a type
            // not in the catalog is then recorded as rejected
            String matched = "{\"type\":\"no.such.type\",\"event\":{\"id\":\"n-lambda\",\"source\":\"demo.app\",\"detail-type\":\"x\","
                    + "\"time\":\"2026-12-05T00:00:00Z\",\"detail\":{}}}";
            assertThat(lambda.invoke(r -> r.functionName(HeraldLocal.ENRICHMENT).invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String(matched))).statusCode()).isEqualTo(202);
            // functions fed by a queue are not invoked this way
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("no-such-function").invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{}")))).isInstanceOf(ResourceNotFoundException.class);
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName(HeraldLocal.PROCESSOR).invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{}")))).isInstanceOf(ResourceNotFoundException.class);
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName(HeraldLocal.ENRICHMENT).payload(SdkBytes.fromUtf8String("{}"))))
                    .isInstanceOf(LambdaException.class).hasMessageContaining("asynchronously only");
            SdkBytes overOneMegabyte = SdkBytes.fromUtf8String("{\"blob\":\"" + "x".repeat(1024 * 1024) + "\"}");
            assertThatThrownBy(() -> lambda.invoke(r -> r.functionName(HeraldLocal.ENRICHMENT).invocationType(InvocationType.EVENT)
                    .payload(overOneMegabyte))).isInstanceOf(RequestTooLargeException.class);
        }
    }

    @Test
    void managementApi_postsToLiveConnections_andAnswersGoneOtherwise() throws Exception {
        try (var client = LocalFixture.Client.connect(local, local.token("user-mgmt", Duration.ofMinutes(5)));
             ApiGatewayManagementApiClient api = local.client(ApiGatewayManagementApiClient.builder())) {
            // given
            LocalFixture.await("the connection", Duration.ofSeconds(5), () -> !local.gateway().connections().isEmpty());
            String id = local.gateway().connections().stream().filter(c -> "user-mgmt".equals(c.userId())).findFirst().orElseThrow().connectionId();

            // when
            api.postToConnection(r -> r.connectionId(id).data(SdkBytes.fromUtf8String("{\"hello\":1}")));

            // then
            assertThat(client.next()).isEqualTo("{\"hello\":1}");
            assertThat(api.getConnection(r -> r.connectionId(id)).identity().sourceIp()).isEqualTo("127.0.0.1");
            assertThatThrownBy(() -> api.postToConnection(r -> r.connectionId("nope=").data(SdkBytes.fromUtf8String("x"))))
                    .isInstanceOf(GoneException.class);

            local.faults().add("connections", "throttle", 5); // the SDK retries a throttled call itself
            assertThatThrownBy(() -> api.postToConnection(r -> r.connectionId(id).data(SdkBytes.fromUtf8String("x"))))
                    .isInstanceOf(LimitExceededException.class);

            local.faults().clear();
            api.deleteConnection(r -> r.connectionId(id));
            assertThat(client.closed.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }
}
