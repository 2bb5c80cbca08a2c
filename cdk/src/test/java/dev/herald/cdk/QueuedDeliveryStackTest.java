package dev.herald.cdk;

import static dev.herald.cdk.SynthesizedHerald.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.HeraldEnv;
import dev.herald.json.Json;
import dev.herald.queue.QueueLimits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnElement;
import software.constructs.IConstruct;

/**
 * The queued hand-offs as deployed: a queue per queue-fed function, with its DLQ; an event source mapping with
 * partial batch failures and a maximum concurrency; the channels' send rates from the environment's context; sends
 * in place of invokes; alarms on every DLQ and on every queue's oldest message; room left for the synchronous
 * functions.
 */
class QueuedDeliveryStackTest {

    private static final SynthesizedHerald herald = SynthesizedHerald.get();
    private static final List<HeraldFunction> QUEUE_FED = List.of(HeraldFunction.FANOUT, HeraldFunction.PROCESSOR,
            HeraldFunction.WEBSOCKET_CHANNEL, HeraldFunction.PUSH_CHANNEL, HeraldFunction.EMAIL_CHANNEL, HeraldFunction.DUE);

    @Test
    void everyQueueFedFunction_readsItsOwnQueue_withPartialBatchFailures_inBatchesAndConcurrencyAsConfigured() {
        Map<HeraldFunction, Integer> concurrency = Map.of(HeraldFunction.FANOUT, 5, HeraldFunction.PROCESSOR, 5,
                HeraldFunction.WEBSOCKET_CHANNEL, 10, HeraldFunction.PUSH_CHANNEL, 5, HeraldFunction.EMAIL_CHANNEL, 2, HeraldFunction.DUE, 2);
        Map<HeraldFunction, Integer> batchSize = Map.of(HeraldFunction.FANOUT, 1, HeraldFunction.PROCESSOR, 10,
                HeraldFunction.WEBSOCKET_CHANNEL, 10, HeraldFunction.PUSH_CHANNEL, 10, HeraldFunction.EMAIL_CHANNEL, 10, HeraldFunction.DUE, 10);
        for (HeraldFunction spec : QUEUE_FED) {
            Map<String, Object> mapping = mappingOf(spec);
            assertThat(mapping.get("FunctionResponseTypes")).as(spec.id()).isEqualTo(List.of("ReportBatchItemFailures"));
            assertThat(mapping.get("BatchSize")).as(spec.id()).isEqualTo(batchSize.get(spec));
            assertThat(mapping.get("ScalingConfig")).as(spec.id()).isEqualTo(Map.of("MaximumConcurrency", concurrency.get(spec)));
            assertThat(Json.write(mapping.get("FunctionName"))).as("%s invokes the live alias", spec.id()).contains(id(herald.stack.functions().alias(spec)));
            boolean channel = HeraldStack.CHANNELS.contains(spec);
            assertThat(mapping.getOrDefault("MaximumBatchingWindowInSeconds", 0)).as(spec.id()).isEqualTo(channel ? 1 : 0);
        }
        herald.template.resourceCountIs("AWS::Lambda::EventSourceMapping", QUEUE_FED.size() + 1);
    }

    @Test
    void everyWorkQueue_goesToItsDlqAfterFiveReceives_takesHeraldsMessageLimit_andWaitsSixFunctionTimeouts() {
        for (HeraldFunction spec : QUEUE_FED) {
            Map<String, Object> queue = properties(herald.resources("AWS::SQS::Queue").get(id(herald.stack.functions().workQueue(spec))));
            assertThat(queue.get("RedrivePolicy")).as(spec.id()).isEqualTo(Map.of("maxReceiveCount", 5, "deadLetterTargetArn",
                    Map.of("Fn::GetAtt", List.of(id(herald.stack.functions().failureQueue(spec).orElseThrow()), "Arn"))));
            assertThat(queue.get("MaximumMessageSize")).as(spec.id()).isEqualTo(QueueLimits.MESSAGE_BYTES);
            assertThat(queue.get("VisibilityTimeout")).as(spec.id()).isEqualTo((int) spec.timeout().toSeconds() * 6);
            assertThat(queue.get("SqsManagedSseEnabled")).as(spec.id()).isEqualTo(true);
        }
    }

    @Test
    void eachChannel_pacesItselfAtItsProvidersRate_splitOverItsMappingsConcurrency() {
        assertThat(sendRate(herald, HeraldFunction.EMAIL_CHANNEL)).as("SES's 14/s over 2").isEqualTo("7.0");
        assertThat(sendRate(herald, HeraldFunction.WEBSOCKET_CHANNEL)).as("half of 10,000/s over 10").isEqualTo("500.0");
        assertThat(sendRate(herald, HeraldFunction.PUSH_CHANNEL)).as("300/s over 5").isEqualTo("60.0");

        SynthesizedHerald faster = SynthesizedHerald.with(Map.of(QueuedDelivery.SES_MAX_SEND_RATE, "50", QueuedDelivery.EMAIL_CONCURRENCY, "5"));
        assertThat(sendRate(faster, HeraldFunction.EMAIL_CHANNEL)).isEqualTo("10.0");
        assertThat(properties(mappingOf(faster, HeraldFunction.EMAIL_CHANNEL)).get("ScalingConfig")).isEqualTo(Map.of("MaximumConcurrency", 5));
    }

    @Test
    void handOffs_areQueueSends_notInvokes_andEnrichmentHasNoOnSuccessDestination() {
        List<Map<String, Object>> processor = herald.statementsOf(herald.roleOf(HeraldFunction.PROCESSOR));
        for (HeraldFunction channel : HeraldStack.CHANNELS) {
            String queue = id(herald.stack.functions().workQueue(channel));
            assertThat(processor).as("the processor sends to " + channel.id()).anySatisfy(statement -> {
                assertThat(SynthesizedHerald.actions(statement)).contains("sqs:SendMessage");
                assertThat(Json.write(statement.get("Resource"))).contains(queue);
            });
        }
        assertThat(processor).flatExtracting(SynthesizedHerald::actions).doesNotContain("lambda:InvokeFunction");
        assertThat(herald.statementsOf(herald.roleOf(HeraldFunction.ENRICHMENT))).anySatisfy(statement -> {
            assertThat(SynthesizedHerald.actions(statement)).contains("sqs:SendMessage");
            assertThat(Json.write(statement.get("Resource"))).contains(id(herald.stack.functions().workQueue(HeraldFunction.PROCESSOR)));
        });
        herald.resources("AWS::Lambda::EventInvokeConfig").values().forEach(config ->
                assertThat(Json.write(properties(config).get("DestinationConfig"))).doesNotContain("OnSuccess"));
        Map<String, Object> environment = environmentOf(herald, HeraldFunction.ENRICHMENT);
        assertThat(environment.get(HeraldEnv.PROCESSOR_QUEUE_URL.variable()))
                .isEqualTo(Map.of("Ref", id(herald.stack.functions().workQueue(HeraldFunction.PROCESSOR))));
    }

    @Test
    void everyWorkQueue_hasAnAlarmOnItsOldestMessage_andItsDlqOneOnItsDepth() {
        Map<String, Map<String, Object>> alarms = herald.resources("AWS::CloudWatch::Alarm");
        for (HeraldFunction spec : QUEUE_FED) {
            String queue = id(herald.stack.functions().workQueue(spec));
            String dlq = id(herald.stack.functions().failureQueue(spec).orElseThrow());
            assertThat(alarms.values()).as("age alarm of " + spec.id()).anySatisfy(alarm -> {
                assertThat(properties(alarm).get("MetricName")).isEqualTo("ApproximateAgeOfOldestMessage");
                assertThat(properties(alarm).get("Threshold")).isEqualTo(300);
                assertThat(Json.write(properties(alarm).get("Dimensions"))).contains(queue);
            });
            assertThat(alarms.values()).as("DLQ alarm of " + spec.id()).anySatisfy(alarm -> {
                assertThat(properties(alarm).get("MetricName")).isEqualTo("ApproximateNumberOfMessagesVisible");
                assertThat(Json.write(properties(alarm).get("Dimensions"))).contains(dlq);
            });
        }
    }

    @Test
    void theQueueFedAndAsynchronousFunctions_leaveTheSynchronousOnesRoomInTheAccount() {
        // Lambda keeps 100 of an account's concurrent executions unreserved, and a new account has 1,000 in all; the
        // capped functions (mappings' maximum concurrency, enrichment's reserved concurrency) must leave room beyond that
        assertThat(herald.function(HeraldFunction.ENRICHMENT).getValue().get("ReservedConcurrentExecutions")).isEqualTo(10);
        assertThat(herald.stack.context().delivery().cappedConcurrency()).isLessThanOrEqualTo(1000 - 100 - 100);
        for (HeraldFunction sync : List.of(HeraldFunction.WEBSOCKET_AUTHORIZER, HeraldFunction.WEBSOCKET_CONNECT, HeraldFunction.UNSUBSCRIBE)) {
            assertThat(herald.function(sync).getValue()).as(sync.id() + " is not capped").doesNotContainKey("ReservedConcurrentExecutions");
        }
    }

    private static Map<String, Object> mappingOf(HeraldFunction spec) {
        return properties(mappingOf(herald, spec));
    }

    private static Map<String, Object> mappingOf(SynthesizedHerald synthesized, HeraldFunction spec) {
        String queue = synthesized.stack.getLogicalId((CfnElement) synthesized.stack.functions().workQueue(spec).getNode().getDefaultChild());
        return synthesized.resources("AWS::Lambda::EventSourceMapping").values().stream()
                .filter(m -> Map.of("Fn::GetAtt", List.of(queue, "Arn")).equals(properties(m).get("EventSourceArn")))
                .findFirst().orElseThrow(() -> new AssertionError("no mapping reads the queue of " + spec.id()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environmentOf(SynthesizedHerald synthesized, HeraldFunction spec) {
        return (Map<String, Object>) ((Map<String, Object>) synthesized.function(spec).getValue().get("Environment")).get("Variables");
    }

    private static Object sendRate(SynthesizedHerald synthesized, HeraldFunction channel) {
        return environmentOf(synthesized, channel).get(HeraldEnv.SEND_RATE.variable());
    }

    private static String id(IConstruct construct) {
        return herald.logicalId(construct);
    }
}
