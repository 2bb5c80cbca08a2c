package dev.herald.cdk;

import static dev.herald.cdk.SynthesizedHerald.actions;
import static dev.herald.cdk.SynthesizedHerald.properties;
import static dev.herald.cdk.SynthesizedHerald.resourcesOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Catalog;
import dev.herald.config.HeraldEnv;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.json.Json;
import dev.herald.recipient.ManagementEvents;
import dev.herald.store.HeraldTables;
import dev.herald.store.TableDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/** Asserts on the synthesized template: the stack must be right by construction, since nothing deploys from here. */
class HeraldStackTest {

    private static SynthesizedHerald herald;
    private static Catalog catalog;

    @BeforeAll
    static void synthesizeOnce() {
        herald = SynthesizedHerald.get();
        catalog = DeployedCatalog.load(java.nio.file.Path.of(".."), java.util.Optional.ofNullable(System.getProperty("herald.lambdaJarsDir")).filter(s -> !s.isBlank()));
    }

    // --- storage ---

    @Test
    @SuppressWarnings("unchecked")
    void tables_followTheCoreKeySchema_onDemandWithTtlPitrAndKeysOnlyIndexes() {
        for (TableDefinition definition : HeraldTables.ALL) {
            // given
            Map<String, Object> table = properties(herald.resources("AWS::DynamoDB::Table").get(herald.tableId(definition)));

            // then
            List<Map<String, Object>> expectedKeys = new ArrayList<>();
            expectedKeys.add(Map.of("AttributeName", definition.partitionKey(), "KeyType", "HASH"));
            definition.sortKey().ifPresent(sk -> expectedKeys.add(Map.of("AttributeName", sk, "KeyType", "RANGE")));
            assertThat(table.get("KeySchema")).as(definition.logicalName()).isEqualTo(expectedKeys);
            assertThat(table.get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
            assertThat(table.get("TimeToLiveSpecification")).isEqualTo(Map.of("AttributeName", HeraldTables.TTL, "Enabled", true));
            assertThat(table.get("PointInTimeRecoverySpecification")).isEqualTo(Map.of("PointInTimeRecoveryEnabled", true));
            List<Map<String, Object>> indexes = (List<Map<String, Object>>) table.getOrDefault("GlobalSecondaryIndexes", List.of());
            assertThat(indexes).hasSameSizeAs(definition.indexes());
            for (TableDefinition.Index index : definition.indexes()) {
                assertThat(indexes).contains(Map.of("IndexName", index.name(),
                        "KeySchema", List.of(Map.of("AttributeName", index.partitionKey(), "KeyType", "HASH"),
                                Map.of("AttributeName", index.sortKey(), "KeyType", "RANGE")),
                        "Projection", Map.of("ProjectionType", "KEYS_ONLY")));
            }
            assertThat(table.containsKey("StreamSpecification")).as(definition.logicalName() + " stream").isEqualTo(definition.stream());
        }
        assertThat(herald.resources("AWS::DynamoDB::Table")).hasSize(HeraldTables.ALL.size());
    }

    // --- events ---

    @Test
    void catalogRules_haveExactlyTheCatalogsPatterns_onTheHeraldBus() {
        // given
        Map<String, JsonNode> expected = new HashMap<>();
        catalog.rulePatterns().forEach((type, pattern) -> expected.put("Herald notification type " + type, Json.read(pattern, JsonNode.class)));

        // when
        Map<String, JsonNode> actual = new HashMap<>();
        herald.resources("AWS::Events::Rule").forEach((id, r) -> {
            String description = String.valueOf(properties(r).get("Description"));
            if (description.startsWith("Herald notification type ")) {
                actual.put(description, Json.mapper().valueToTree(properties(r).get("EventPattern")));
                assertThat(properties(r).get("EventBusName")).isEqualTo(Map.of("Ref", busId()));
            }
        });

        // then
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    @SuppressWarnings("unchecked")
    void catalogRuleTargets_wrapTheWholeEventAsAMatchedEvent_withRetryPolicyAndDeadLetterQueue() {
        for (String typeId : catalog.typeIds()) {
            // given
            Map<String, Object> target = targetOfRule("Herald notification type " + typeId);
            Map<String, Object> transformer = (Map<String, Object>) target.get("InputTransformer");
            String template = (String) transformer.get("InputTemplate");
            String event = """
                    {"version":"0","id":"e-1","detail-type":"booking.created","source":"demo.app","account":"123456789012",
                     "time":"2026-11-23T10:00:00Z","region":"eu-west-1","resources":[],"detail":{"userId":"u-1"}}""";

            // when: EventBridge substitutes the whole event
            MatchedEvent matched = Json.read(template.replace(MatchedEventInput.WHOLE_EVENT, event), MatchedEvent.class);

            // then
            assertThat(transformer).doesNotContainKey("InputPathsMap");
            assertThat(matched.type()).isEqualTo(typeId);
            assertThat(matched.event().id()).isEqualTo("e-1");
            assertThat(matched.event().detail().path("userId").asText()).isEqualTo("u-1");
            assertThat(target.get("RetryPolicy")).isEqualTo(Map.of("MaximumEventAgeInSeconds", 86400, "MaximumRetryAttempts", 185));
            assertThat(target.get("DeadLetterConfig")).isNotNull();
            assertThat(target.get("Arn")).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.ENRICHMENT)));
        }
    }

    @Test
    void recipientEventsRule_routesManagementEvents_toTheRecipientsHandler() {
        // given
        Map<String, Object> rule = ruleDescribed("Herald recipient management events");

        // then
        assertThat((JsonNode) Json.mapper().valueToTree(rule.get("EventPattern")))
                .isEqualTo(Json.read(ManagementEvents.rulePattern(ManagementEvents.RECIPIENT_EVENTS), JsonNode.class));
        assertThat(targetOfRule("Herald recipient management events").get("Arn")).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.RECIPIENT_EVENTS)));
    }

    @Test
    void deviceEventsRule_routesDeviceRegisteredUnregisteredAndRecipientDeleted_toTheDeviceEventsHandler_withRetriesAndADeadLetterQueue() {
        // given
        Map<String, Object> rule = ruleDescribed("Herald device management events");
        Map<String, Object> target = targetOfRule("Herald device management events");

        // then
        assertThat((JsonNode) Json.mapper().valueToTree(rule.get("EventPattern")))
                .isEqualTo(Json.read(ManagementEvents.rulePattern(ManagementEvents.DEVICE_EVENTS), JsonNode.class))
                .isEqualTo(Json.read("""
                        {"source":[{"anything-but":["herald"]}],"detail-type":["Device Registered","Device Unregistered","Recipient Deleted"]}""",
                        JsonNode.class));
        assertThat(rule.get("EventBusName")).isEqualTo(Map.of("Ref", busId()));
        assertThat(target.get("Arn")).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.DEVICE_EVENTS)));
        assertThat(target.get("RetryPolicy")).isEqualTo(Map.of("MaximumEventAgeInSeconds", 86400, "MaximumRetryAttempts", 185));
        assertThat(target.get("DeadLetterConfig")).isNotNull();
    }

    @Test
    void recipientDeleted_matchesTheRecipientsAndTheDevicesRules_andNoOtherManagementEventDoes() {
        // given
        List<String> recipientTypes = detailTypesOf(ruleDescribed("Herald recipient management events"));
        List<String> deviceTypes = detailTypesOf(ruleDescribed("Herald device management events"));

        // then: the devices function deletes the devices and their SNS endpoints, the recipients function the rest
        assertThat(recipientTypes).contains(ManagementEvents.RECIPIENT_DELETED, ManagementEvents.RECIPIENT_RESUBSCRIBED);
        assertThat(deviceTypes).contains(ManagementEvents.RECIPIENT_DELETED);
        Set<String> both = new HashSet<>(recipientTypes);
        both.retainAll(deviceTypes);
        assertThat(both).containsExactly(ManagementEvents.RECIPIENT_DELETED);
    }

    @SuppressWarnings("unchecked")
    private static List<String> detailTypesOf(Map<String, Object> rule) {
        return (List<String>) ((Map<String, Object>) rule.get("EventPattern")).get("detail-type");
    }

    @Test
    @SuppressWarnings("unchecked")
    void sesRule_onTheDefaultBus_routesBouncesAndComplaintsOfHeraldsConfigurationSet_toTheSesEventHandler() {
        // given
        Map<String, Object> rule = ruleDescribed("SES bounces and complaints of Herald's configuration set");
        Map<String, Object> pattern = (Map<String, Object>) rule.get("EventPattern");

        // then
        assertThat(rule.get("EventBusName")).isEqualTo("default");
        assertThat(pattern.get("source")).isEqualTo(List.of("aws.ses"));
        assertThat(pattern.get("detail-type")).isEqualTo(List.of("Email Bounced", "Email Complaint Received"));
        assertThat(Json.write(pattern.get("detail"))).contains("ses:configuration-set");
        Map<String, Object> target = targetOfRule("SES bounces and complaints of Herald's configuration set");
        assertThat(target.get("Arn")).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.SES_EVENTS)));
        assertThat(target.get("DeadLetterConfig")).isNotNull();
        assertThat(target.get("RetryPolicy")).isNotNull();
    }

    // --- functions ---

    @Test
    @SuppressWarnings("unchecked")
    void everyHandler_runsJava25OnArm64_withSnapStartTracingAndItsSizing() {
        for (HeraldFunction spec : HeraldFunction.values()) {
            // given
            Map<String, Object> function = herald.function(spec).getValue();

            // then
            assertThat(function.get("Runtime")).as(spec.id()).isEqualTo("java25");
            assertThat(function.get("Architectures")).isEqualTo(List.of("arm64"));
            assertThat(function.get("SnapStart")).isEqualTo(Map.of("ApplyOn", "PublishedVersions"));
            assertThat(function.get("TracingConfig")).isEqualTo(Map.of("Mode", "Active"));
            assertThat(function.get("MemorySize")).isEqualTo(spec.memoryMb());
            assertThat(function.get("Timeout")).isEqualTo((int) spec.timeout().toSeconds());
            assertThat(((Map<String, Object>) function.get("Code")).get("S3Key")).as("asset of " + spec.module()).isNotNull();
        }
        assertThat(herald.resources("AWS::Lambda::Function")).hasSize(HeraldFunction.values().length);
    }

    @Test
    void everyFunction_isCalledThroughALiveAliasOnAPublishedVersion() {
        for (HeraldFunction spec : HeraldFunction.values()) {
            herald.template.hasResourceProperties("AWS::Lambda::Alias", Map.of(
                    "FunctionName", Map.of("Ref", herald.function(spec).getKey()),
                    "Name", HeraldFunctions.ALIAS,
                    "FunctionVersion", Match.objectLike(Map.of("Fn::GetAtt", Match.arrayWith(List.of("Version"))))));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionsEnvironment_isExactlyWhatItsHandlerReads() {
        for (HeraldFunction spec : HeraldFunction.values()) {
            // given
            Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) herald.function(spec).getValue()
                    .get("Environment")).get("Variables");

            // when
            Set<String> heraldNames = variables.keySet().stream().filter(n -> !n.equals(HeraldFunctions.SERVICE_NAME_VARIABLE))
                    .collect(Collectors.toCollection(TreeSet::new));

            // then: every required variable, plus the optional ones this deployment has values for
            Set<String> expected = new TreeSet<>();
            spec.required().forEach(e -> expected.add(e.variable()));
            spec.optional().stream().filter(SET_BY_THIS_DEPLOYMENT::contains).forEach(e -> expected.add(e.variable()));
            assertThat(heraldNames).as(spec.handlerClass()).isEqualTo(expected);
            assertThat(variables.get(HeraldFunctions.SERVICE_NAME_VARIABLE)).isEqualTo(HeraldFunctions.serviceName(spec));
        }
    }

    /** Optional variables the test deployment provides: every SNS platform application. */
    private static final Set<HeraldEnv> SET_BY_THIS_DEPLOYMENT = Set.of(HeraldEnv.SNS_APNS_APPLICATION_ARN,
            HeraldEnv.SNS_APNS_SANDBOX_APPLICATION_ARN, HeraldEnv.SNS_GCM_APPLICATION_ARN);

    @Test
    @SuppressWarnings("unchecked")
    void environmentValues_pointAtTheResourcesTheStackCreated() {
        Map<String, Object> processor = (Map<String, Object>) ((Map<String, Object>) herald.function(HeraldFunction.PROCESSOR).getValue()
                .get("Environment")).get("Variables");
        assertThat(processor.get(HeraldEnv.DELIVERIES_TABLE.variable())).isEqualTo(Map.of("Ref", herald.tableId(HeraldTables.DELIVERIES)));
        assertThat(processor.get(HeraldEnv.WEBSOCKET_FUNCTION.variable())).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.WEBSOCKET_CHANNEL)));
        assertThat(processor.get(HeraldEnv.EMAIL_FUNCTION.variable())).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.EMAIL_CHANNEL)));
        Map<String, Object> devices = (Map<String, Object>) ((Map<String, Object>) herald.function(HeraldFunction.DEVICE_EVENTS).getValue()
                .get("Environment")).get("Variables");
        assertThat(devices.get(HeraldEnv.SNS_GCM_APPLICATION_ARN.variable())).isEqualTo(SynthesizedHerald.GCM);
        assertThat(devices.get(HeraldEnv.RECIPIENTS_TABLE.variable())).isEqualTo(Map.of("Ref", herald.tableId(HeraldTables.RECIPIENTS)));
        Map<String, Object> channel = (Map<String, Object>) ((Map<String, Object>) herald.function(HeraldFunction.WEBSOCKET_CHANNEL).getValue()
                .get("Environment")).get("Variables");
        assertThat(Json.write(channel.get(HeraldEnv.WEBSOCKET_CALLBACK_URL.variable()))).startsWith("{\"Fn::Join\"").contains("https://")
                .contains("execute-api");
    }

    @Test
    @SuppressWarnings("unchecked")
    void asyncFunctions_sendFailuresToSqs_andEnrichmentHandsOffToTheProcessorAlias() {
        Map<String, Map<String, Object>> configs = herald.resources("AWS::Lambda::EventInvokeConfig");
        Set<String> configured = new HashSet<>();
        configs.values().forEach(c -> {
            Map<String, Object> p = properties(c);
            configured.add(String.valueOf(p.get("FunctionName")));
            Map<String, Object> destinations = (Map<String, Object>) p.get("DestinationConfig");
            assertThat(Json.write(destinations.get("OnFailure"))).contains("Failures");
            assertThat(p.get("MaximumRetryAttempts")).isEqualTo(2);
            assertThat(Json.write(p.get("Qualifier"))).as("the live alias").contains("Alias");
            if (p.get("FunctionName").equals(Map.of("Ref", herald.function(HeraldFunction.ENRICHMENT).getKey()))) {
                assertThat(((Map<String, Object>) destinations.get("OnSuccess")).get("Destination")).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.PROCESSOR)));
            } else {
                assertThat(destinations).doesNotContainKey("OnSuccess");
            }
        });
        for (HeraldFunction spec : HeraldFunction.values()) {
            boolean async = spec.invocation() == HeraldFunction.Invocation.ASYNC;
            assertThat(configured.contains(String.valueOf(Map.of("Ref", herald.function(spec).getKey())))).as(spec.id()).isEqualTo(async);
        }
    }

    @Test
    void statusEvents_readTheDeliveriesStream_withBisectRetriesAndAFailureQueue() {
        herald.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", Map.of("Fn::GetAtt", List.of(herald.tableId(HeraldTables.DELIVERIES), "StreamArn")),
                "BisectBatchOnFunctionError", true,
                "MaximumRetryAttempts", 10,
                "DestinationConfig", Match.objectLike(Map.of("OnFailure", Match.anyValue()))));
        Map<String, Object> mapping = properties(herald.resources("AWS::Lambda::EventSourceMapping").values().iterator().next());
        assertThat(Json.write(mapping.get("FunctionName"))).as("invokes the live alias").contains(aliasId(HeraldFunction.STATUS_EVENTS));
    }

    // --- permissions ---

    @Test
    void webSocketChannel_canManageConnections_andReadAndDeleteConnections() {
        List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(HeraldFunction.WEBSOCKET_CHANNEL));
        assertThat(statements).anySatisfy(s -> assertThat(actions(s)).contains("execute-api:ManageConnections"));
        assertThat(statements).anySatisfy(s -> {
            assertThat(actions(s)).contains("dynamodb:Query", "dynamodb:GetItem", "dynamodb:DeleteItem");
            assertThat(Json.write(resourcesOf(s))).contains(herald.tableId(HeraldTables.CONNECTIONS));
        });
        assertThat(statements).noneSatisfy(s -> assertThat(Json.write(resourcesOf(s))).contains(herald.tableId(HeraldTables.RECIPIENTS)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void emailChannel_canSendEmailOnlyAsTheSenderIdentity_withHeraldsConfigurationSet() {
        List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(HeraldFunction.EMAIL_CHANNEL));
        Map<String, Object> send = statements.stream().filter(s -> actions(s).contains("ses:SendEmail")).findFirst().orElseThrow();
        String configurationSet = herald.stack.getLogicalId((software.amazon.awscdk.CfnElement) herald.stack.messaging().configurationSet()
                .getNode().getDefaultChild());
        assertThat(Json.write(resourcesOf(send))).contains("identity/" + SynthesizedHerald.SENDER)
                .contains("configuration-set/\",{\"Ref\":\"" + configurationSet).doesNotContain("identity/*");
        assertThat(send.get("Condition")).isEqualTo(Map.of("StringEquals", Map.of("ses:FromAddress", SynthesizedHerald.SENDER)));
    }

    @Test
    void pushChannel_canPublishOnlyToTheConfiguredApplicationsEndpoints() {
        List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(HeraldFunction.PUSH_CHANNEL));
        Map<String, Object> publish = statements.stream().filter(s -> actions(s).contains("sns:Publish")).findFirst().orElseThrow();
        assertThat(resourcesOf(publish)).containsExactlyInAnyOrder(
                "arn:aws:sns:eu-west-1:123456789012:endpoint/APNS/herald-ios/*",
                "arn:aws:sns:eu-west-1:123456789012:endpoint/APNS_SANDBOX/herald-ios-dev/*",
                "arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/herald-android/*");
    }

    @Test
    void deviceEvents_createEndpointsOnlyInTheConfiguredApplications_andManageOnlyTheirEndpoints() {
        // given
        List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(HeraldFunction.DEVICE_EVENTS));
        List<Map<String, Object>> sns = statements.stream().filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("sns:"))).toList();

        // then
        assertThat(sns).hasSize(2);
        Map<String, Object> create = sns.stream().filter(s -> actions(s).contains("sns:CreatePlatformEndpoint")).findFirst().orElseThrow();
        assertThat(actions(create)).containsExactly("sns:CreatePlatformEndpoint");
        assertThat(resourcesOf(create)).containsExactlyInAnyOrder(SynthesizedHerald.APNS, SynthesizedHerald.APNS_SANDBOX, SynthesizedHerald.GCM);
        Map<String, Object> manage = sns.stream().filter(s -> !actions(s).contains("sns:CreatePlatformEndpoint")).findFirst().orElseThrow();
        assertThat(actions(manage)).containsExactlyInAnyOrder("sns:GetEndpointAttributes", "sns:SetEndpointAttributes", "sns:DeleteEndpoint");
        assertThat(resourcesOf(manage)).containsExactlyInAnyOrder(
                "arn:aws:sns:eu-west-1:123456789012:endpoint/APNS/herald-ios/*",
                "arn:aws:sns:eu-west-1:123456789012:endpoint/APNS_SANDBOX/herald-ios-dev/*",
                "arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/herald-android/*");
        assertThat(statements).anySatisfy(s -> {
            assertThat(actions(s)).contains("dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem");
            assertThat(Json.write(resourcesOf(s))).contains(herald.tableId(HeraldTables.RECIPIENTS));
        });
        assertThat(statements).noneSatisfy(s -> assertThat(Json.write(resourcesOf(s))).contains(herald.tableId(HeraldTables.DELIVERIES)));
        assertThat(statements).noneSatisfy(s -> assertThat(actions(s)).contains("sns:Publish"));
    }

    @Test
    void pushChannel_cannotCreateOrDeleteEndpoints() {
        List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(HeraldFunction.PUSH_CHANNEL));
        assertThat(statements).noneSatisfy(s -> assertThat(actions(s)).containsAnyOf("sns:CreatePlatformEndpoint", "sns:DeleteEndpoint"));
    }

    @Test
    void processor_mayInvokeTheChannelAliases_andNothingElse() {
        List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(HeraldFunction.PROCESSOR));
        List<Object> invocable = statements.stream().filter(s -> actions(s).contains("lambda:InvokeFunction"))
                .flatMap(s -> resourcesOf(s).stream()).toList();
        assertThat(invocable).containsExactlyInAnyOrder(Map.of("Ref", aliasId(HeraldFunction.WEBSOCKET_CHANNEL)),
                Map.of("Ref", aliasId(HeraldFunction.PUSH_CHANNEL)), Map.of("Ref", aliasId(HeraldFunction.EMAIL_CHANNEL)));
    }

    @Test
    void unsubscribe_mayGetAndMarkADeliveryAndPutARecipientItem_andNothingElse() {
        // given
        List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(HeraldFunction.UNSUBSCRIBE));
        List<Map<String, Object>> dynamo = statements.stream().filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("dynamodb:"))).toList();

        // then
        assertThat(dynamo).hasSize(2);
        Map<String, Object> onDeliveries = dynamo.stream().filter(s -> Json.write(resourcesOf(s)).contains(herald.tableId(HeraldTables.DELIVERIES)))
                .findFirst().orElseThrow();
        assertThat(actions(onDeliveries)).containsExactlyInAnyOrder("dynamodb:GetItem", "dynamodb:UpdateItem");
        Map<String, Object> onRecipients = dynamo.stream().filter(s -> Json.write(resourcesOf(s)).contains(herald.tableId(HeraldTables.RECIPIENTS)))
                .findFirst().orElseThrow();
        assertThat(actions(onRecipients)).containsExactly("dynamodb:PutItem");
        assertThat(statements).noneSatisfy(s -> assertThat(Json.write(resourcesOf(s))).contains(herald.tableId(HeraldTables.CONNECTIONS)));
        assertThat(statements).noneSatisfy(s -> assertThat(String.join(",", actions(s))).containsAnyOf("ses:", "sns:", "lambda:", "events:"));
    }

    @Test
    void authorizer_touchesNoTable() {
        List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(HeraldFunction.WEBSOCKET_AUTHORIZER));
        assertThat(statements).noneSatisfy(s -> assertThat(String.join(",", actions(s))).contains("dynamodb:"));
    }

    // --- APIs ---

    @Test
    void webSocketApi_authorizesConnectWithTheTokenQueryParameter_andRoutesEveryRoute() {
        herald.template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", Map.of(
                "AuthorizerType", "REQUEST",
                "IdentitySource", List.of(HeraldWebSocketApi.TOKEN_SOURCE)));
        herald.template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "$connect", "AuthorizationType", "CUSTOM"));
        herald.template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "$disconnect"));
        herald.template.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "$default"));
        herald.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of("StageName", "test", "AutoDeploy", true,
                "AccessLogSettings", Match.objectLike(Map.of("DestinationArn", Match.anyValue()))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void ingestApi_putsEventsOnTheHeraldBus_behindAnApiKeyWithThrottling() {
        // given
        Map<String, Object> post = herald.resources("AWS::ApiGateway::Method").values().stream().map(SynthesizedHerald::properties)
                .filter(p -> "POST".equals(p.get("HttpMethod"))).findFirst().orElseThrow();
        Map<String, Object> integration = (Map<String, Object>) post.get("Integration");

        // then
        assertThat(post.get("ApiKeyRequired")).isEqualTo(true);
        assertThat(post.get("RequestValidatorId")).isNotNull();
        assertThat(Json.write(integration.get("Uri"))).contains(":events:action/PutEvents");
        assertThat(((Map<String, Object>) integration.get("RequestParameters")).get("integration.request.header.X-Amz-Target"))
                .isEqualTo("'AWSEvents.PutEvents'");
        String requestTemplate = Json.write(((Map<String, Object>) integration.get("RequestTemplates")).get("application/json"));
        assertThat(requestTemplate).contains("EventBusName").contains(busId());
        herald.template.hasResourceProperties("AWS::ApiGateway::UsagePlan", Map.of(
                "Throttle", Map.of("RateLimit", HeraldIngestApi.RATE_LIMIT, "BurstLimit", HeraldIngestApi.BURST_LIMIT)));
        herald.template.resourceCountIs("AWS::ApiGateway::UsagePlanKey", 1);
        herald.template.hasResourceProperties("AWS::ApiGateway::Method", Map.of("HttpMethod", "OPTIONS"));
        herald.template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", Map.of("ResponseType", "DEFAULT_4XX",
                "ResponseParameters", Map.of("gatewayresponse.header.Access-Control-Allow-Origin", "'" + SynthesizedHerald.ORIGIN + "'")));
        assertThat(Json.write(integration.get("IntegrationResponses"))).contains("FailedEntryCount").contains("responseOverride.status = 503")
                .contains(SynthesizedHerald.ORIGIN);
        herald.template.hasResourceProperties("AWS::ApiGateway::Model", Map.of("Schema", Match.objectLike(Map.of(
                "required", List.of("source", "detail-type", "detail")))));
        String integrationRole = (String) ((List<Object>) ((Map<String, Object>) integration.get("Credentials")).get("Fn::GetAtt")).getFirst();
        assertThat(herald.statementsOf(integrationRole)).singleElement().satisfies(s -> {
            assertThat(actions(s)).containsExactly("events:PutEvents");
            assertThat(resourcesOf(s)).containsExactly(Map.of("Fn::GetAtt", List.of(busId(), "Arn")));
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void unsubscribeEndpoint_passesEveryMethodToTheUnsubscribeAlias_withoutAnApiKey_throttledOnItsOwn() {
        // given
        String resourceId = herald.resources("AWS::ApiGateway::Resource").entrySet().stream()
                .filter(r -> HeraldIngestApi.UNSUBSCRIBE_PATH.equals(properties(r.getValue()).get("PathPart"))).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
        List<Map<String, Object>> methods = herald.resources("AWS::ApiGateway::Method").values().stream().map(SynthesizedHerald::properties)
                .filter(p -> Map.of("Ref", resourceId).equals(p.get("ResourceId"))).toList();
        Map<String, Object> any = methods.stream().filter(p -> "ANY".equals(p.get("HttpMethod"))).findFirst().orElseThrow();
        Map<String, Object> integration = (Map<String, Object>) any.get("Integration");

        // then: a Lambda proxy integration of the live alias, open to mail clients
        assertThat(integration.get("Type")).isEqualTo("AWS_PROXY");
        assertThat(Json.write(integration.get("Uri"))).contains(aliasId(HeraldFunction.UNSUBSCRIBE));
        assertThat(any.get("AuthorizationType")).isEqualTo("NONE");
        assertThat(any.getOrDefault("ApiKeyRequired", false)).isEqualTo(false);
        assertThat(methods).extracting(p -> p.get("HttpMethod")).as("ANY, and the CORS preflight").containsExactlyInAnyOrder("ANY", "OPTIONS");
        herald.template.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Action", "lambda:InvokeFunction",
                "FunctionName", Map.of("Ref", aliasId(HeraldFunction.UNSUBSCRIBE)),
                "Principal", "apigateway.amazonaws.com"));
        herald.template.hasResourceProperties("AWS::ApiGateway::Stage", Map.of("MethodSettings", Match.arrayWith(List.of(Match.objectLike(Map.of(
                "ResourcePath", "/~1" + HeraldIngestApi.UNSUBSCRIBE_PATH,
                "HttpMethod", "*",
                "ThrottlingRateLimit", HeraldIngestApi.UNSUBSCRIBE_RATE_LIMIT,
                "ThrottlingBurstLimit", HeraldIngestApi.UNSUBSCRIBE_BURST_LIMIT,
                "LoggingLevel", "ERROR",
                "DataTraceEnabled", false))))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void emailChannel_linksToTheStacksOwnUnsubscribeEndpoint_byDefault() {
        // given
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) herald.function(HeraldFunction.EMAIL_CHANNEL).getValue()
                .get("Environment")).get("Variables");
        String restApi = herald.stack.getLogicalId((software.amazon.awscdk.CfnElement) herald.stack.ingest().api().getNode().getDefaultChild());

        // then: https://<api>.execute-api.<region>.<suffix>/<stage>/unsubscribe
        assertThat(Json.write(variables.get(HeraldEnv.UNSUBSCRIBE_URL.variable()))).startsWith("{\"Fn::Join\"").contains("https://")
                .contains("{\"Ref\":\"" + restApi + "\"}").contains(".execute-api.").endsWith("\"/unsubscribe\"]]}");
        herald.template.hasOutput("UnsubscribeUrl", Match.anyValue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void unsubscribeUrlContext_overridesTheLinkOnly_andTheEndpointStays() {
        // given: the endpoint behind a custom domain
        SynthesizedHerald custom = SynthesizedHerald.with(Map.of(HeraldContext.UNSUBSCRIBE_URL, SynthesizedHerald.UNSUBSCRIBE));

        // when
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) custom.function(HeraldFunction.EMAIL_CHANNEL).getValue()
                .get("Environment")).get("Variables");

        // then
        assertThat(variables.get(HeraldEnv.UNSUBSCRIBE_URL.variable())).isEqualTo(SynthesizedHerald.UNSUBSCRIBE);
        assertThat(custom.resources("AWS::ApiGateway::Resource").values().stream().map(SynthesizedHerald::properties))
                .anySatisfy(p -> assertThat(p.get("PathPart")).isEqualTo(HeraldIngestApi.UNSUBSCRIBE_PATH));
        assertThat(custom.annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }

    // --- messaging ---

    @Test
    void sesConfigurationSet_publishesBouncesAndComplaintsToTheDefaultBus() {
        herald.template.hasResourceProperties("AWS::SES::ConfigurationSet", Map.of("Name", "herald-test"));
        herald.template.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", Map.of(
                "EventDestination", Match.objectLike(Map.of(
                        "MatchingEventTypes", List.of("bounce", "complaint"),
                        "EventBridgeDestination", Map.of("EventBusArn", Match.anyValue())))));
    }

    // --- operations ---

    @Test
    void alarms_watchEveryDeadLetterQueue_andEveryFunctionsErrorRateAndThrottles() {
        int queues = herald.resources("AWS::SQS::Queue").size();
        assertThat(herald.stack.operations().queueAlarms()).hasSize(queues);
        assertThat(herald.stack.operations().functionAlarms()).hasSize(HeraldFunction.values().length);
        herald.template.resourceCountIs("AWS::CloudWatch::Alarm", queues + 2 * HeraldFunction.values().length);
        herald.template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    }

    @Test
    void everyAlias_deploysAsACanary_rolledBackByItsAlarms() {
        herald.template.resourceCountIs("AWS::CodeDeploy::DeploymentGroup", HeraldFunction.values().length);
        herald.template.allResourcesProperties("AWS::CodeDeploy::DeploymentGroup", Map.of(
                "DeploymentConfigName", "CodeDeployDefault.LambdaCanary10Percent5Minutes",
                "AlarmConfiguration", Match.objectLike(Map.of("Enabled", true, "Alarms", Match.anyValue())),
                "AutoRollbackConfiguration", Match.objectLike(Map.of("Enabled", true,
                        "Events", Match.arrayWith(List.of("DEPLOYMENT_STOP_ON_ALARM"))))));
        herald.template.hasResource("AWS::Lambda::Alias", Map.of("UpdatePolicy", Match.objectLike(Map.of(
                "CodeDeployLambdaAliasUpdate", Match.anyValue()))));
    }

    @Test
    void outputs_giveTheWebSocketUrl_theIngestUrl_andTheApiKeyId() {
        herald.template.hasOutput("WebSocketUrl", Match.anyValue());
        herald.template.hasOutput("IngestUrl", Match.anyValue());
        herald.template.hasOutput("IngestApiKeyId", Match.anyValue());
    }

    // --- cdk-nag ---

    @Test
    void cdkNag_awsSolutions_hasNoUnsuppressedErrors() {
        var errors = herald.annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
        herald.annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                .forEach(w -> System.out.println("cdk-nag warning " + w.getId() + ": " + w.getEntry().getData()));
        assertThat(errors).as(errors.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).collect(Collectors.joining("\n")))
                .isEmpty();
    }

    // --- helpers ---

    private static String busId() {
        return herald.stack.getLogicalId((software.amazon.awscdk.CfnElement) herald.stack.events().bus().getNode().getDefaultChild());
    }

    private static String aliasId(HeraldFunction spec) {
        return herald.stack.getLogicalId((software.amazon.awscdk.CfnElement) herald.stack.functions().alias(spec).getNode().getDefaultChild());
    }

    private static Map<String, Object> ruleDescribed(String description) {
        return herald.resources("AWS::Events::Rule").values().stream().map(SynthesizedHerald::properties)
                .filter(p -> description.equals(p.get("Description"))).findFirst()
                .orElseThrow(() -> new AssertionError("no rule described as " + description));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> targetOfRule(String description) {
        List<Map<String, Object>> targets = (List<Map<String, Object>>) ruleDescribed(description).get("Targets");
        assertThat(targets).hasSize(1);
        return targets.getFirst();
    }
}
