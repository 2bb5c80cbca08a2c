package dev.herald.cdk;

import static dev.herald.cdk.SynthesizedHerald.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.HeraldEnv;
import dev.herald.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.constructs.IConstruct;

/**
 * What waits, as deployed: Herald's own Scheduler schedule group and role, the due queue and function, least
 * privilege for who may schedule, and the cancel rules of the types that have {@code cancelOn}.
 */
class SchedulingStackTest {

    private static final SynthesizedHerald herald = SynthesizedHerald.get();

    private static String id(IConstruct construct) {
        return herald.logicalId(construct);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environmentOf(HeraldFunction spec) {
        Map<String, Object> environment = (Map<String, Object>) herald.function(spec).getValue().get("Environment");
        return (Map<String, Object>) environment.get("Variables");
    }

    @Test
    void scheduleGroup_isHeraldsOwn_perEnvironment() {
        var groups = herald.resources("AWS::Scheduler::ScheduleGroup");
        assertThat(groups).hasSize(1);
        assertThat(properties(groups.values().iterator().next()).get("Name")).isEqualTo("herald-" + herald.stack.context().envName());
    }

    @Test
    void schedulerRole_isAssumedOnlyByThisAccountsScheduler_andSendsOnlyToTheDueQueueAndItsDlq() {
        Map.Entry<String, Map<String, Object>> role = herald.resources("AWS::IAM::Role").entrySet().stream()
                .filter(e -> Json.write(e.getValue()).contains("scheduler.amazonaws.com")).findFirst().orElseThrow();
        String trust = Json.write(properties(role.getValue()).get("AssumeRolePolicyDocument"));
        assertThat(trust).contains("scheduler.amazonaws.com").contains("aws:SourceAccount");

        String roleId = role.getKey();
        List<Map<String, Object>> statements = herald.statementsOf(roleId);
        assertThat(statements).flatExtracting(SynthesizedHerald::actions).allMatch(a -> a.startsWith("sqs:SendMessage") || a.startsWith("sqs:Get"));
        String resources = Json.write(statements.stream().map(s -> s.get("Resource")).toList());
        assertThat(resources).contains(id(herald.stack.functions().workQueue(HeraldFunction.DUE)))
                .contains(id(herald.stack.functions().failureQueue(HeraldFunction.DUE).orElseThrow()));
    }

    @Test
    void processorAndDueFunction_mayCreateSchedulesInHeraldsGroupOnly_andPassOnlyTheSchedulerRole() {
        for (HeraldFunction scheduler : List.of(HeraldFunction.PROCESSOR, HeraldFunction.DUE)) {
            List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(scheduler));
            assertThat(statements).as(scheduler.id()).anySatisfy(statement -> {
                assertThat(SynthesizedHerald.actions(statement)).containsExactly("scheduler:CreateSchedule");
                assertThat(Json.write(statement.get("Resource"))).contains(":schedule/herald-" + herald.stack.context().envName() + "/*");
            });
            assertThat(statements).as(scheduler.id()).anySatisfy(statement -> assertThat(SynthesizedHerald.actions(statement)).contains("iam:PassRole"));
        }
        for (HeraldFunction other : List.of(HeraldFunction.ENRICHMENT, HeraldFunction.EMAIL_CHANNEL, HeraldFunction.WEBSOCKET_CHANNEL)) {
            assertThat(herald.statementsOf(herald.roleOf(other))).flatExtracting(SynthesizedHerald::actions)
                    .as(other.id()).doesNotContain("scheduler:CreateSchedule", "iam:PassRole");
        }
    }

    @Test
    void schedulingFunctions_knowTheDueQueueTheRoleTheDlqAndTheGroup() {
        for (HeraldFunction scheduler : List.of(HeraldFunction.PROCESSOR, HeraldFunction.DUE)) {
            Map<String, Object> variables = environmentOf(scheduler);
            assertThat(variables).as(scheduler.id()).containsKeys(HeraldEnv.DUE_QUEUE_URL.variable(), HeraldEnv.DUE_QUEUE_ARN.variable(),
                    HeraldEnv.SCHEDULER_ROLE_ARN.variable(), HeraldEnv.SCHEDULER_DLQ_ARN.variable(), HeraldEnv.SCHEDULE_GROUP.variable());
        }
        assertThat(environmentOf(HeraldFunction.RECIPIENT_EVENTS)).containsKey(HeraldEnv.DUE_QUEUE_URL.variable());
    }

    @Test
    void typeWithCancelOn_hasACancelRuleToEnrichment_markedAsACancel() {
        var rules = herald.resources("AWS::Events::Rule").values().stream()
                .filter(r -> Json.write(r).contains("booking.cancelled")).toList();
        assertThat(rules).hasSize(1);
        String rule = Json.write(rules.getFirst());
        assertThat(rule).contains("\\\"action\\\":\\\"cancel\\\"").contains("booking.checkin-reminder").contains("demo.app");
    }
}
