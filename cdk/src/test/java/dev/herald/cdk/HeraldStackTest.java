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
import java.util.Arrays;
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
import software.amazon.awscdk.services.cloudwatch.Alarm;

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
            assertThat(target.get("DeadLetterConfig")).isEqualTo(deadLetterConfig("type " + typeId));
            assertThat(target.get("Arn")).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.ENRICHMENT)));
        }
    }

    @Test
    void recipientEventsRule_routesManagementEventsOfTheAllowedSourcesOnly_toTheRecipientsHandler() {
        // given
        Map<String, Object> rule = ruleDescribed("Herald recipient management events");

        // then
        assertThat((JsonNode) Json.mapper().valueToTree(rule.get("EventPattern"))).isEqualTo(Json.read("""
                {"source":["%s"],"detail-type":%s}""".formatted(SynthesizedHerald.MANAGEMENT_SOURCE, Json.write(ManagementEvents.RECIPIENT_EVENTS)),
                JsonNode.class));
        assertThat(rule.get("State")).isEqualTo("ENABLED");
        assertThat(targetOfRule("Herald recipient management events").get("DeadLetterConfig")).isEqualTo(deadLetterConfig("recipient events"));
        assertThat(targetOfRule("Herald recipient management events").get("Arn")).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.RECIPIENT_EVENTS)));
    }

    @Test
    void deviceEventsRule_routesDeviceRegisteredUnregisteredAndRecipientDeleted_toTheDeviceEventsHandler_withRetriesAndADeadLetterQueue() {
        // given
        Map<String, Object> rule = ruleDescribed("Herald device management events");
        Map<String, Object> target = targetOfRule("Herald device management events");

        // then
        assertThat((JsonNode) Json.mapper().valueToTree(rule.get("EventPattern"))).isEqualTo(Json.read("""
                {"source":["accounts.herald.example"],"detail-type":["Device Registered","Device Unregistered","Recipient Deleted"]}""",
                JsonNode.class));
        assertThat(rule.get("State")).isEqualTo("ENABLED");
        assertThat(rule.get("EventBusName")).isEqualTo(Map.of("Ref", busId()));
        assertThat(target.get("Arn")).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.DEVICE_EVENTS)));
        assertThat(target.get("RetryPolicy")).isEqualTo(Map.of("MaximumEventAgeInSeconds", 86400, "MaximumRetryAttempts", 185));
        assertThat(target.get("DeadLetterConfig")).isEqualTo(deadLetterConfig("device events"));
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
    void sesRule_onTheDefaultBus_routesTheEventsOfHeraldsConfigurationSet_toTheSesEventHandler() {
        // given
        Map<String, Object> rule = ruleDescribed("SES events of Herald's configuration set");
        Map<String, Object> pattern = (Map<String, Object>) rule.get("EventPattern");

        // then
        assertThat(rule.get("EventBusName")).isEqualTo("default");
        assertThat(pattern.get("source")).isEqualTo(List.of("aws.ses"));
        assertThat(pattern.get("detail-type")).isEqualTo(List.of("Email Bounced", "Email Complaint Received", "Email Delivered"));
        assertThat(Json.write(pattern.get("detail"))).contains("ses:configuration-set");
        Map<String, Object> target = targetOfRule("SES events of Herald's configuration set");
        assertThat(target.get("Arn")).isEqualTo(Map.of("Ref", aliasId(HeraldFunction.SES_EVENTS)));
        assertThat(target.get("DeadLetterConfig")).isEqualTo(deadLetterConfig("SES events"));
        assertThat(target.get("RetryPolicy")).isEqualTo(Map.of("MaximumEventAgeInSeconds", 86400, "MaximumRetryAttempts", 185));
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
            HeraldEnv.SNS_APNS_SANDBOX_APPLICATION_ARN, HeraldEnv.SNS_GCM_APPLICATION_ARN, HeraldEnv.SCHEDULE_GROUP);

    @Test
    @SuppressWarnings("unchecked")
    void environmentValues_pointAtTheResourcesTheStackCreated() {
        Map<String, Object> processor = (Map<String, Object>) ((Map<String, Object>) herald.function(HeraldFunction.PROCESSOR).getValue()
                .get("Environment")).get("Variables");
        assertThat(processor.get(HeraldEnv.DELIVERIES_TABLE.variable())).isEqualTo(Map.of("Ref", herald.tableId(HeraldTables.DELIVERIES)));
        assertThat(processor.get(HeraldEnv.WEBSOCKET_QUEUE_URL.variable())).isEqualTo(Map.of("Ref", workQueueId(HeraldFunction.WEBSOCKET_CHANNEL)));
        assertThat(processor.get(HeraldEnv.EMAIL_QUEUE_URL.variable())).isEqualTo(Map.of("Ref", workQueueId(HeraldFunction.EMAIL_CHANNEL)));
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
    void asyncFunctions_sendFailuresToSqs_andHandNothingOnThroughAnOnSuccessDestination() {
        Map<String, Map<String, Object>> configs = herald.resources("AWS::Lambda::EventInvokeConfig");
        Set<String> configured = new HashSet<>();
        configs.values().forEach(c -> {
            Map<String, Object> p = properties(c);
            configured.add(String.valueOf(p.get("FunctionName")));
            Map<String, Object> destinations = (Map<String, Object>) p.get("DestinationConfig");
            assertThat(Json.write(destinations.get("OnFailure"))).contains("Failures");
            assertThat(p.get("MaximumRetryAttempts")).isEqualTo(2);
            assertThat(Json.write(p.get("Qualifier"))).as("the live alias").contains("Alias");
            // enrichment hands its work on through the processor's queue, within its invocation
            assertThat(destinations).doesNotContainKey("OnSuccess");
        });
        for (HeraldFunction spec : HeraldFunction.values()) {
            boolean async = spec.invocation() == HeraldFunction.Invocation.ASYNC;
            assertThat(configured.contains(String.valueOf(Map.of("Ref", herald.function(spec).getKey())))).as(spec.id()).isEqualTo(async);
        }
    }

    @Test
    void statusEvents_readTheDeliveriesStream_withBisectRetriesAndAFailureQueue() {
        Map<String, Object> mapping = herald.resources("AWS::Lambda::EventSourceMapping").values().stream().map(SynthesizedHerald::properties)
                .filter(m -> Json.write(m.get("EventSourceArn")).contains("StreamArn")).findFirst().orElseThrow();
        assertThat(mapping.get("EventSourceArn")).isEqualTo(Map.of("Fn::GetAtt", List.of(herald.tableId(HeraldTables.DELIVERIES), "StreamArn")));
        assertThat(mapping.get("BisectBatchOnFunctionError")).isEqualTo(true);
        assertThat(mapping.get("MaximumRetryAttempts")).isEqualTo(10);
        assertThat(mapping.get("MaximumRecordAgeInSeconds")).isEqualTo(86400);
        assertThat(mapping.get("DestinationConfig")).isEqualTo(Map.of("OnFailure", Map.of("Destination",
                Map.of("Fn::GetAtt", List.of(herald.logicalId(herald.stack.functions().failureQueue(HeraldFunction.STATUS_EVENTS).orElseThrow()), "Arn")))));
        assertThat(Json.write(mapping.get("FunctionName"))).as("invokes the live alias").contains(aliasId(HeraldFunction.STATUS_EVENTS));
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusEventsMapping_passesOnlyFinalStatesWaitsUnsubscribePreferenceMarksAndUnreadRemovals() {
        // given
        Map<String, Object> mapping = herald.resources("AWS::Lambda::EventSourceMapping").values().stream().map(SynthesizedHerald::properties)
                .filter(m -> Json.write(m.get("EventSourceArn")).contains("StreamArn")).findFirst().orElseThrow();
        List<Map<String, Object>> filters = (List<Map<String, Object>>) ((Map<String, Object>) mapping.get("FilterCriteria")).get("Filters");

        // then: the status function publishes from these and nothing else (PENDING, SENDING and other removals stay out)
        assertThat(filters).extracting(f -> Json.read((String) f.get("Pattern"), JsonNode.class)).containsExactlyInAnyOrder(
                Json.read("""
                        {"eventName":["INSERT","MODIFY"],"dynamodb":{"NewImage":{"status":{"S":["SCHEDULED","SENT","FAILED","SKIPPED","READ",
                        "DELIVERED","OPENED","CLICKED","ARCHIVED"]}}}}""",
                        JsonNode.class),
                Json.read("""
                        {"eventName":["INSERT","MODIFY"],"dynamodb":{"NewImage":{"unsubscribedAt":{"S":[{"exists":true}]}}}}""",
                        JsonNode.class),
                Json.read("""
                        {"eventName":["INSERT"],"dynamodb":{"NewImage":{"preferencesChanged":{"S":[{"exists":true}]}}}}""",
                        JsonNode.class),
                Json.read("""
                        {"eventName":["REMOVE"],"dynamodb":{"OldImage":{"inbox":{"S":["unseen","seen"]}}}}""",
                        JsonNode.class));
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
    void processor_sendsToTheChannelQueuesAndTheDueQueueOnly_andInvokesNoFunction() {
        List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(HeraldFunction.PROCESSOR));
        assertThat(statements).noneSatisfy(s -> assertThat(actions(s)).contains("lambda:InvokeFunction"));
        List<Object> sendsTo = statements.stream().filter(s -> actions(s).contains("sqs:SendMessage")).flatMap(s -> resourcesOf(s).stream()).toList();
        assertThat(sendsTo).containsExactlyInAnyOrder(queueArn(HeraldFunction.WEBSOCKET_CHANNEL), queueArn(HeraldFunction.PUSH_CHANNEL),
                queueArn(HeraldFunction.EMAIL_CHANNEL), queueArn(HeraldFunction.DUE));
    }

    private static Object queueArn(HeraldFunction spec) {
        return Map.of("Fn::GetAtt", List.of(workQueueId(spec), "Arn"));
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
    void webSocketConnect_mayPutAndGetConnections_forItsWriteAndItsSnapStartPriming_andNothingElse() {
        // given
        List<Map<String, Object>> dynamo = herald.statementsOf(herald.roleOf(HeraldFunction.WEBSOCKET_CONNECT)).stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("dynamodb:"))).toList();

        // then
        assertThat(dynamo).singleElement().satisfies(s -> {
            assertThat(actions(s)).containsExactlyInAnyOrder("dynamodb:PutItem", "dynamodb:GetItem");
            assertThat(resourcesOf(s)).contains(Map.of("Fn::GetAtt", List.of(herald.tableId(HeraldTables.CONNECTIONS), "Arn")));
        });
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
                "AccessLogSettings", Match.objectLike(Map.of("DestinationArn", Map.of("Fn::GetAtt", List.of(
                        herald.logicalId(herald.stack.webSocket().getNode().findChild("AccessLogs")), "Arn"))))));
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
        // the templates IngestMappingTemplatesTest executes are the ones deployed, with the bus's reference in its name's place
        assertThat(RoleWildcards.render(((Map<String, Object>) integration.get("RequestTemplates")).get("application/json")))
                .isEqualTo(HeraldIngestApi.requestTemplate("<" + busId() + ">"));
        assertThat(Json.write(integration.get("IntegrationResponses"))).contains(Json.write(HeraldIngestApi.responseTemplate(List.of(SynthesizedHerald.ORIGIN))));
        herald.template.hasResourceProperties("AWS::ApiGateway::UsagePlan", Map.of("UsagePlanName", "herald-test-ingest",
                "Throttle", Map.of("RateLimit", HeraldIngestApi.RATE_LIMIT, "BurstLimit", HeraldIngestApi.BURST_LIMIT)));
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
        assertThat(outputValue("UnsubscribeUrl")).isEqualTo(variables.get(HeraldEnv.UNSUBSCRIBE_URL.variable()));
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
    void sesConfigurationSet_publishesBouncesComplaintsAndDeliveriesToTheDefaultBus() {
        herald.template.hasResourceProperties("AWS::SES::ConfigurationSet", Map.of("Name", "herald-test"));
        herald.template.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", Map.of(
                "EventDestination", Match.objectLike(Map.of(
                        "MatchingEventTypes", List.of("bounce", "complaint", "delivery"),
                        "EventBridgeDestination", Map.of("EventBusArn", join("arn:", Map.of("Ref", "AWS::Partition"), ":events:",
                                Map.of("Ref", "AWS::Region"), ":", Map.of("Ref", "AWS::AccountId"), ":event-bus/default"))))));
    }

    // --- operations ---

    @Test
    void alarms_watchEveryDeadLetterQueue_everyFunction_andEverySignal() {
        // given
        HeraldOperations operations = herald.stack.operations();
        int queues = herald.resources("AWS::SQS::Queue").size();
        int functions = HeraldFunction.values().length;
        long async = Arrays.stream(HeraldFunction.values()).filter(f -> f.invocation() == HeraldFunction.Invocation.ASYNC).count();
        long notSync = Arrays.stream(HeraldFunction.values()).filter(f -> f.invocation() != HeraldFunction.Invocation.SYNC).count();
        // destination failures, dropped async events, the stream's age, each table's throttles, SES bounces and complaints, refusals
        long signals = notSync + async + 1 + HeraldTables.ALL.size() + 2 + 1;

        // then
        assertThat(operations.queueAlarms()).hasSize(queues);
        assertThat(operations.functionAlarms()).hasSize(functions);
        assertThat(operations.signalAlarms()).hasSize((int) signals);
        assertThat(operations.alarms()).hasSize(queues + 2 * functions + (int) signals);
        herald.template.resourceCountIs("AWS::CloudWatch::Alarm", queues + 2 * functions + (int) signals);
        herald.template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    }

    @Test
    void everyAlarm_notifiesTheAlarmTopic_whenItFiresAndWhenItIsOver() {
        // given
        Map<String, Object> topic = Map.of("Ref", herald.logicalId(herald.stack.operations().alarmTopic()));
        Map<String, Map<String, Object>> alarms = herald.resources("AWS::CloudWatch::Alarm");

        // then
        assertThat(alarms).isNotEmpty();
        alarms.forEach((id, alarm) -> {
            assertThat(properties(alarm).get("AlarmActions")).as(id).isEqualTo(List.of(topic));
            assertThat(properties(alarm).get("OKActions")).as(id).isEqualTo(List.of(topic));
            assertThat((String) properties(alarm).get("AlarmName")).as(id).startsWith("herald-test-");
            assertThat((String) properties(alarm).get("AlarmDescription")).as(id).isNotBlank();
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void alarmTopic_isEncryptedWithAKeyCloudWatchMayUse_refusesPlainTransport_andMailsTheAlarmEmail() {
        // given
        String topicId = herald.logicalId(herald.stack.operations().alarmTopic());
        Map<String, Object> topic = properties(herald.resources("AWS::SNS::Topic").get(topicId));
        String keyId = (String) ((List<Object>) ((Map<String, Object>) topic.get("KmsMasterKeyId")).get("Fn::GetAtt")).getFirst();
        Map<String, Object> key = properties(herald.resources("AWS::KMS::Key").get(keyId));

        // then
        assertThat(topic.get("TopicName")).isEqualTo("herald-test-alarms");
        assertThat(key.get("EnableKeyRotation")).isEqualTo(true);
        assertThat((List<Map<String, Object>>) ((Map<String, Object>) key.get("KeyPolicy")).get("Statement")).anySatisfy(s -> {
            assertThat(s.get("Principal")).isEqualTo(Map.of("Service", "cloudwatch.amazonaws.com"));
            assertThat(actions(s)).containsExactlyInAnyOrder("kms:Decrypt", "kms:GenerateDataKey*");
        });
        herald.template.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of(
                "Topics", List.of(Map.of("Ref", topicId)),
                "PolicyDocument", Match.objectLike(Map.of("Statement", List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Action", "sns:Publish",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        herald.template.hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", SynthesizedHerald.ALARM_EMAIL, "TopicArn", Map.of("Ref", topicId)));
        assertThat(outputValue("AlarmTopicArn")).isEqualTo(Map.of("Ref", topicId));
    }

    @Test
    void signalAlarms_watchWhatLambdaDynamoDbAndSesReport_withTheirThresholds() {
        // Lambda could not hand enrichment's record to the processor (or any record to a failure queue)
        assertThat(alarmNamed("herald-test-Enrichment-destination-delivery-failures")).satisfies(a -> assertLambdaMetric(a,
                HeraldFunction.ENRICHMENT, "DestinationDeliveryFailures", "Sum", 300, 0));
        assertThat(alarmNamed("herald-test-StatusEvents-destination-delivery-failures")).satisfies(a -> assertLambdaMetric(a,
                HeraldFunction.STATUS_EVENTS, "DestinationDeliveryFailures", "Sum", 300, 0));
        // events dropped by every asynchronously invoked function, and only those
        for (HeraldFunction spec : HeraldFunction.values()) {
            String name = "herald-test-" + spec.id() + "-async-events-dropped";
            if (spec.invocation() == HeraldFunction.Invocation.ASYNC) {
                assertThat(alarmNamed(name)).satisfies(a -> assertLambdaMetric(a, spec, "AsyncEventsDropped", "Sum", 300, 0));
            } else {
                assertThat(herald.stack.operations().signalAlarms()).doesNotContainKey(name);
            }
        }
        // the status function's stream age: over five minutes, three minutes running
        assertThat(alarmNamed("herald-test-StatusEvents-iterator-age")).satisfies(a -> {
            assertLambdaMetric(a, HeraldFunction.STATUS_EVENTS, "IteratorAge", "Maximum", 60, 300_000);
            assertThat(a.get("EvaluationPeriods")).isEqualTo(3);
        });
        // any throttled read or write of a table in five minutes
        for (TableDefinition table : HeraldTables.ALL) {
            Map<String, Object> alarm = alarmNamed("herald-test-dynamodb-" + table.logicalName().toLowerCase(java.util.Locale.ROOT) + "-throttles");
            String metrics = Json.write(alarm.get("Metrics"));
            assertThat(metrics).contains("\"Expression\":\"SUM([reads, writes])\"")
                    .contains("\"MetricName\":\"ReadThrottleEvents\"").contains("\"MetricName\":\"WriteThrottleEvents\"")
                    .contains("{\"Name\":\"TableName\",\"Value\":{\"Ref\":\"" + herald.tableId(table) + "\"}}");
            assertThat(((Number) alarm.get("Threshold")).doubleValue()).isZero();
            assertThat(alarm.get("ComparisonOperator")).isEqualTo("GreaterThanThreshold");
        }
        // SES's reputation rates, half of what SES reviews an account at
        assertThat(alarmNamed("herald-test-ses-bounce-rate")).satisfies(a -> {
            assertThat(a).containsEntry("Namespace", "AWS/SES").containsEntry("MetricName", "Reputation.BounceRate")
                    .containsEntry("Statistic", "Maximum").containsEntry("TreatMissingData", "ignore").doesNotContainKey("Dimensions");
            assertThat(((Number) a.get("Threshold")).doubleValue()).isEqualTo(0.025);
        });
        assertThat(alarmNamed("herald-test-ses-complaint-rate")).satisfies(a -> {
            assertThat(a).containsEntry("Namespace", "AWS/SES").containsEntry("MetricName", "Reputation.ComplaintRate");
            assertThat(((Number) a.get("Threshold")).doubleValue()).isEqualTo(0.0005);
        });
        // notifications enrichment refused: its EMF metric, with exactly the dimension it emits
        assertThat(alarmNamed("herald-test-notifications-refused")).satisfies(a -> {
            assertThat(a).containsEntry("Namespace", "Herald").containsEntry("MetricName", "NotificationsRefused")
                    .containsEntry("Statistic", "Sum").containsEntry("Period", 300)
                    .containsEntry("Dimensions", List.of(Map.of("Name", "Service", "Value", "enrichment")));
            assertThat(((Number) a.get("Threshold")).doubleValue()).isZero();
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void dashboardsTopWidget_sumsEachOutcomeOverTheChannelDimensionItIsEmittedWith() {
        // given: the body, with its references written as <Id>
        Map<String, Object> dashboard = properties(herald.resources("AWS::CloudWatch::Dashboard").values().iterator().next());
        JsonNode body = Json.read(RoleWildcards.render(dashboard.get("DashboardBody")), JsonNode.class);
        JsonNode top = body.path("widgets").get(0).path("properties");

        // when
        List<String> expressions = new ArrayList<>();
        Set<String> heraldMetrics = new HashSet<>();
        top.path("metrics").forEach(m -> {
            if (m.get(0).isObject()) {
                expressions.add(m.get(0).path("expression").asText() + " as " + m.get(0).path("label").asText());
            } else if (m.get(0).asText().equals("Herald")) {
                heraldMetrics.add(m.get(1).asText() + " " + m.get(2).asText() + "=" + m.get(3).asText());
            }
        });

        // then: no Herald metric without its dimension (CloudWatch would match nothing)
        assertThat(top.path("title").asText()).isEqualTo("Notifications (all channels)");
        assertThat(expressions).containsExactly("SUM([routed_websocket, routed_push, routed_email]) as NotificationsRouted",
                "SUM([delivered_websocket, delivered_push, delivered_email]) as NotificationsDelivered",
                "SUM([skipped_websocket, skipped_push, skipped_email]) as NotificationsSkipped",
                "SUM([failed_websocket, failed_push, failed_email]) as NotificationsFailed");
        assertThat(heraldMetrics).contains("NotificationsDelivered Channel=websocket", "NotificationsDelivered Channel=push",
                "NotificationsDelivered Channel=email", "NotificationsRefused Service=enrichment").hasSize(4 * 3 + 1);
        // and every alarm's state, in widgets of at most 100
        List<Integer> alarmWidgets = new ArrayList<>();
        body.path("widgets").forEach(w -> {
            if (w.path("type").asText().equals("alarm")) {
                alarmWidgets.add(w.path("properties").path("alarms").size());
            }
        });
        assertThat(alarmWidgets).allSatisfy(n -> assertThat(n).isBetween(1, HeraldOperations.ALARMS_PER_WIDGET));
        assertThat(alarmWidgets.stream().mapToInt(Integer::intValue).sum()).isEqualTo(herald.stack.operations().alarms().size());
    }

    @Test
    void everyAlias_deploysAsACanary_rolledBackByItsErrorRateAlarmOnly() {
        // given
        String application = herald.resources("AWS::CodeDeploy::Application").keySet().iterator().next();

        // then
        herald.template.resourceCountIs("AWS::CodeDeploy::DeploymentGroup", HeraldFunction.values().length);
        for (HeraldFunction spec : HeraldFunction.values()) {
            String groupId = herald.logicalId(herald.stack.operations().deploymentGroups().get(spec));
            Map<String, Object> group = properties(herald.resources("AWS::CodeDeploy::DeploymentGroup").get(groupId));
            Alarm errorRate = herald.stack.operations().functionAlarms().get(spec).getFirst();
            assertThat(group.get("DeploymentConfigName")).as(spec.id()).isEqualTo("CodeDeployDefault.LambdaCanary10Percent5Minutes");
            assertThat(group.get("AlarmConfiguration")).as(spec.id() + ": errors roll back, throttles do not")
                    .isEqualTo(Map.of("Alarms", List.of(Map.of("Name", Map.of("Ref", herald.logicalId(errorRate)))), "Enabled", true));
            assertThat(group.get("AutoRollbackConfiguration"))
                    .isEqualTo(Map.of("Enabled", true, "Events", List.of("DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM")));
            assertThat(herald.resources("AWS::Lambda::Alias").get(aliasId(spec)).get("UpdatePolicy")).isEqualTo(Map.of(
                    "CodeDeployLambdaAliasUpdate", Map.of("ApplicationName", Map.of("Ref", application), "DeploymentGroupName", Map.of("Ref", groupId))));
        }
    }

    @Test
    void deadLetterQueues_outliveTheStack() {
        assertThat(herald.resources("AWS::SQS::Queue")).isNotEmpty().allSatisfy((id, queue) -> {
            assertThat(queue.get("DeletionPolicy")).as(id).isEqualTo("Retain");
            assertThat(queue.get("UpdateReplacePolicy")).as(id).isEqualTo("Retain");
        });
    }

    @Test
    void outputs_giveEachUrl_eachPublishersKeyId_theBus_andTheAlarmTopic() {
        // given
        String webSocket = herald.logicalId(herald.stack.webSocket().api());
        String restApi = herald.logicalId(herald.stack.ingest().api());
        String stage = herald.logicalId(herald.stack.ingest().api().getDeploymentStage());
        Map<String, Object> region = Map.of("Ref", "AWS::Region");
        Map<String, Object> suffix = Map.of("Ref", "AWS::URLSuffix");

        // then
        assertThat(outputValue("WebSocketUrl")).isEqualTo(join("wss://", Map.of("Ref", webSocket), ".execute-api.", region, ".", suffix, "/test"));
        assertThat(outputValue("WebSocketCallbackUrl")).isEqualTo(join("https://", Map.of("Ref", webSocket), ".execute-api.", region, ".", suffix, "/test"));
        assertThat(outputValue("IngestUrl")).isEqualTo(join("https://", Map.of("Ref", restApi), ".execute-api.", region, ".", suffix, "/",
                Map.of("Ref", stage), "/events"));
        assertThat(outputValue("IngestApiKeyIdDefault")).isEqualTo(Map.of("Ref", herald.logicalId(herald.stack.ingest().apiKeys().get("default"))));
        assertThat(outputValue("IngestApiKeyIdBilling")).isEqualTo(Map.of("Ref", herald.logicalId(herald.stack.ingest().apiKeys().get("billing"))));
        assertThat(herald.template.findOutputs("IngestInvokeArn")).isEmpty();
        assertThat(outputValue("EventBusName")).isEqualTo(Map.of("Ref", busId()));
        assertThat(outputValue("EventBusArn")).isEqualTo(Map.of("Fn::GetAtt", List.of(busId(), "Arn")));
        assertThat(outputValue("SesConfigurationSet")).isEqualTo(Map.of("Ref", herald.logicalId(herald.stack.messaging().configurationSet())));
        assertThat(outputValue("AlarmTopicArn")).isEqualTo(Map.of("Ref", herald.logicalId(herald.stack.operations().alarmTopic())));
    }

    // --- environments ---

    @Test
    void theBus_carriesTheEnvironmentsName() {
        herald.template.hasResourceProperties("AWS::Events::EventBus", Map.of("Name", "herald-test"));
        prod().template.hasResourceProperties("AWS::Events::EventBus", Map.of("Name", "herald-prod"));
    }

    @Test
    void everyPhysicalName_differsBetweenEnvironments_soTheyDeploySideBySide() {
        // given
        Set<String> test = physicalNames(herald);
        Set<String> prod = physicalNames(prod());

        // then: nothing two environments would both claim in one account and region
        assertThat(test).isNotEmpty().allSatisfy(name -> assertThat(name).contains("test"));
        assertThat(prod).isNotEmpty().allSatisfy(name -> assertThat(name).contains("prod"));
        assertThat(test).doesNotContainAnyElementsOf(prod);
    }

    @Test
    void apiGatewayCloudWatchRole_isLeftAlone_unlessOptedIn() {
        // the account-wide setting is not taken over by default
        herald.template.resourceCountIs("AWS::ApiGateway::Account", 0);
        // opted in: set once, and both APIs' stages wait for it
        String account = prod().resources("AWS::ApiGateway::Account").keySet().iterator().next();
        assertThat(prod().resources("AWS::ApiGateway::Stage").values()).allSatisfy(s -> assertThat(Json.write(s.get("DependsOn"))).contains(account));
        assertThat(prod().resources("AWS::ApiGatewayV2::Stage").values()).allSatisfy(s -> assertThat(Json.write(s.get("DependsOn"))).contains(account));
    }

    @Test
    void managementRules_withoutManagementSources_areDisabled_andTheSynthSaysSo() {
        assertThat(prod().resources("AWS::Events::Rule").values().stream().map(SynthesizedHerald::properties)
                .filter(p -> String.valueOf(p.get("Description")).contains("management events")).map(p -> p.get("State")).toList())
                .containsExactly("DISABLED", "DISABLED");
        assertThat(prod().annotations.findWarning("*", Match.stringLikeRegexp(".*managementSources is not set.*"))).isNotEmpty();
    }

    // --- publishers ---

    @Test
    void eachPublisher_hasItsOwnKey_boundToItsOwnThrottledUsagePlan() {
        // given
        HeraldIngestApi ingest = herald.stack.ingest();

        // then
        herald.template.resourceCountIs("AWS::ApiGateway::ApiKey", 2);
        herald.template.resourceCountIs("AWS::ApiGateway::UsagePlanKey", 2);
        Map<String, List<Object>> expected = Map.of("default", List.of("herald-test-ingest", 100, 200),
                "billing", List.of("herald-test-ingest-billing", 50, 100));
        expected.forEach((publisher, limits) -> {
            String plan = herald.logicalId(ingest.usagePlans().get(publisher));
            String key = herald.logicalId(ingest.apiKeys().get(publisher));
            assertThat(properties(herald.resources("AWS::ApiGateway::UsagePlan").get(plan))).as(publisher)
                    .containsEntry("UsagePlanName", limits.get(0))
                    .containsEntry("Throttle", Map.of("RateLimit", limits.get(1), "BurstLimit", limits.get(2)));
            herald.template.hasResourceProperties("AWS::ApiGateway::UsagePlanKey", Map.of(
                    "KeyId", Map.of("Ref", key), "KeyType", "API_KEY", "UsagePlanId", Map.of("Ref", plan)));
        });
        // the original key keeps its logical id, so upgrading does not replace it
        assertThat(herald.logicalId(ingest.apiKeys().get("default"))).startsWith("IngestApiApiKey").doesNotContain("default");
        // the stage admits what the plans add up to
        herald.template.hasResourceProperties("AWS::ApiGateway::Stage", Map.of("MethodSettings", Match.arrayWith(List.of(Match.objectLike(Map.of(
                "ResourcePath", "/*", "HttpMethod", "*", "ThrottlingRateLimit", 150, "ThrottlingBurstLimit", 300))))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void ingestApi_refusesManagementEvents_whoseSourceItCannotVouchFor() {
        Map<String, Object> model = properties(herald.resources("AWS::ApiGateway::Model").values().iterator().next());
        Map<String, Object> detailType = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) model.get("Schema"))
                .get("properties")).get("detail-type");
        assertThat((List<String>) ((Map<String, Object>) detailType.get("not")).get("enum")).containsExactlyInAnyOrder(
                "Recipient Upserted", "Recipient Deleted", "Recipient Resubscribed", "Topic Subscribed", "Topic Unsubscribed",
                "Device Registered", "Device Unregistered");
    }

    @Test
    @SuppressWarnings("unchecked")
    void iamIngest_takesSignedRequests_withoutApiKeysOrUsagePlans() {
        // given
        Map<String, Object> post = prod().resources("AWS::ApiGateway::Method").values().stream().map(SynthesizedHerald::properties)
                .filter(p -> "POST".equals(p.get("HttpMethod"))).findFirst().orElseThrow();
        Map<String, Object> output = (Map<String, Object>) prod().template.findOutputs("IngestInvokeArn").get("IngestInvokeArn");

        // then
        assertThat(post.get("AuthorizationType")).isEqualTo("AWS_IAM");
        assertThat(post.getOrDefault("ApiKeyRequired", false)).isEqualTo(false);
        prod().template.resourceCountIs("AWS::ApiGateway::ApiKey", 0);
        prod().template.resourceCountIs("AWS::ApiGateway::UsagePlan", 0);
        assertThat(Json.write(output.get("Value"))).contains(":execute-api:")
                .contains("{\"Ref\":\"" + prod().logicalId(prod().stack.ingest().api().getDeploymentStage()) + "\"}").endsWith("\"/POST/events\"]]}");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachRolesWildcardSuppression_namesExactlyItsOwnWildcards_withTheirReasons() {
        for (HeraldFunction spec : HeraldFunction.values()) {
            // given
            String roleId = herald.roleOf(spec);
            Set<String> wildcards = new TreeSet<>();
            herald.statementsOf(roleId).forEach(s -> resourcesOf(s).stream().map(RoleWildcards::render).filter(r -> r.contains("*"))
                    .forEach(r -> wildcards.add("Resource::" + r)));
            List<Map<String, Object>> rules = (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>) herald
                    .resources("AWS::IAM::Role").get(roleId).get("Metadata")).get("cdk_nag")).get("rules_to_suppress");

            // when
            Map<String, Object> iam5 = rules.stream().filter(r -> "AwsSolutions-IAM5".equals(r.get("id"))).findFirst().orElseThrow();

            // then
            assertThat((List<Object>) iam5.get("applies_to")).as(spec.id()).containsExactlyInAnyOrderElementsOf(wildcards);
            assertThat((String) iam5.get("reason")).as(spec.id()).contains("X-Ray");
            assertThat(wildcards).as(spec.id()).contains("Resource::*");
            if (spec != HeraldFunction.WEBSOCKET_CHANNEL && spec != HeraldFunction.WEBSOCKET_DEFAULT && spec != HeraldFunction.PREFERENCES) {
                assertThat(wildcards).as(spec.id()).noneMatch(w -> w.contains("@connections"));
            }
        }
    }

    // --- cfn-lint ---

    @Test
    @SuppressWarnings("unchecked")
    void cfnLintExceptions_areTheDocumentedOnes_eachWithItsReason() {
        // given
        Map<String, Set<String>> ignored = new HashMap<>();
        Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) herald.template.toJSON().get("Resources");
        resources.forEach((id, resource) -> {
            Map<String, Object> lint = (Map<String, Object>) ((Map<String, Object>) resource.getOrDefault("Metadata", Map.of())).get(CfnLint.METADATA);
            if (lint != null) {
                List<String> checks = (List<String>) ((Map<String, Object>) lint.get("config")).get("ignore_checks");
                assertThat(((Map<String, Object>) lint.get("reasons")).keySet()).as(id).containsExactlyInAnyOrderElementsOf(checks);
                checks.forEach(c -> ignored.computeIfAbsent(resource.get("Type") + " " + c, k -> new HashSet<>()).add(id));
            }
        });

        // then: the functions' redundant role dependency, and the dashboard's tags cfn-lint 1.51 does not know yet
        assertThat(ignored.keySet()).containsExactlyInAnyOrder("AWS::Lambda::Function W3005", "AWS::CloudWatch::Dashboard E3002");
        assertThat(ignored.get("AWS::Lambda::Function W3005")).hasSize(HeraldFunction.values().length);
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

    private static String workQueueId(HeraldFunction spec) {
        return herald.stack.getLogicalId((software.amazon.awscdk.CfnElement) herald.stack.functions().workQueue(spec).getNode().getDefaultChild());
    }

    private static SynthesizedHerald prod;

    /** Another environment, with what the shared synthesis leaves at its defaults switched: its own synthesis, once. */
    private static synchronized SynthesizedHerald prod() {
        if (prod == null) {
            prod = SynthesizedHerald.with(Map.of(HeraldContext.ENV_NAME, "prod", HeraldContext.API_GATEWAY_CLOUDWATCH_ROLE, "true",
                    HeraldContext.INGEST_AUTH, "iam", HeraldContext.MANAGEMENT_SOURCES, ""));
        }
        return prod;
    }

    /**
     * Names that are unique per account and region (or per account): what two environments would collide on. Names
     * scoped to a parent (an alias's, a model's, an authorizer's, a stage's) and references to other resources are
     * left out.
     */
    @SuppressWarnings("unchecked")
    private static Set<String> physicalNames(SynthesizedHerald synthesized) {
        Set<String> scoped = Set.of("AWS::Lambda::Alias", "AWS::ApiGateway::Model", "AWS::ApiGatewayV2::Authorizer",
                "AWS::ApiGateway::RequestValidator", "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage");
        Set<String> nameKeys = Set.of("Name", "TopicName", "AlarmName", "DashboardName", "ApplicationName", "UsagePlanName", "TableName",
                "QueueName", "LogGroupName", "RoleName", "BucketName", "KeyAlias", "AliasName", "DeploymentGroupName");
        Set<String> names = new TreeSet<>();
        Map<String, Map<String, Object>> resources = (Map<String, Map<String, Object>>) synthesized.template.toJSON().get("Resources");
        resources.forEach((id, resource) -> {
            if (scoped.contains(resource.get("Type")) || resource.get("Properties") == null) {
                return;
            }
            properties(resource).forEach((key, value) -> {
                if (value instanceof String name && nameKeys.contains(key)) {
                    names.add(resource.get("Type") + " " + key + "=" + name);
                }
            });
        });
        return names;
    }

    private static Map<String, Object> join(Object... parts) {
        return Map.of("Fn::Join", List.of("", List.of(parts)));
    }

    private static Map<String, Object> alarmNamed(String name) {
        Alarm alarm = herald.stack.operations().signalAlarms().get(name);
        assertThat(alarm).as("alarm " + name).isNotNull();
        return properties(herald.resources("AWS::CloudWatch::Alarm").get(herald.logicalId(alarm)));
    }

    private static void assertLambdaMetric(Map<String, Object> alarm, HeraldFunction spec, String metric, String statistic, int period,
                                           double threshold) {
        assertThat(alarm).containsEntry("Namespace", "AWS/Lambda").containsEntry("MetricName", metric).containsEntry("Statistic", statistic)
                .containsEntry("Period", period).containsEntry("ComparisonOperator", "GreaterThanThreshold")
                .containsEntry("Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", herald.function(spec).getKey()))));
        assertThat(((Number) alarm.get("Threshold")).doubleValue()).isEqualTo(threshold);
    }

    private static Map<String, Object> deadLetterConfig(String what) {
        return Map.of("Arn", Map.of("Fn::GetAtt", List.of(herald.logicalId(herald.stack.events().deadLetterQueues().get(what)), "Arn")));
    }

    @SuppressWarnings("unchecked")
    private static Object outputValue(String name) {
        Map<String, Object> output = (Map<String, Object>) herald.template.findOutputs(name).get(name);
        assertThat(output).as("output " + name).isNotNull();
        return output.get("Value");
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
