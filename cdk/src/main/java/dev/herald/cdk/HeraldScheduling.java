package dev.herald.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.scheduler.CfnScheduleGroup;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * Where Herald's waits are scheduled: an EventBridge Scheduler schedule group of its own, and the role Scheduler
 * assumes to send a wake-up to the due queue, or, when it cannot, to the due queue's DLQ. The processor and the due
 * function create one-time schedules in the group (each deletes itself after it ran); nothing else can.
 */
final class HeraldScheduling extends Construct {

    private final CfnScheduleGroup group;
    private final Role role;

    HeraldScheduling(Construct scope, String id, String envName, IQueue dueQueue, IQueue dueDeadLetters) {
        super(scope, id);
        group = CfnScheduleGroup.Builder.create(this, "Group").name(groupName(envName)).build();
        // only this account's schedules may assume it (the confused-deputy guard Scheduler's documentation gives)
        role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com").withConditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID))))
                .description("EventBridge Scheduler sends Herald's wake-ups to the due queue")
                .build();
        dueQueue.grantSendMessages(role);
        dueDeadLetters.grantSendMessages(role);
    }

    static String groupName(String envName) {
        return "herald-" + envName;
    }

    String groupName() {
        return group.getName();
    }

    String roleArn() {
        return role.getRoleArn();
    }

    /** The schedules of Herald's group, whose names are made at run time, one per wait. */
    static String schedulesArn(String groupName) {
        return "arn:" + Aws.PARTITION + ":scheduler:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":schedule/" + groupName + "/*";
    }

    /** Lets {@code grantee} create one-time schedules in Herald's group that run as Herald's scheduler role. */
    void grantSchedule(IGrantable grantee) {
        grantee.getGrantPrincipal().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("scheduler:CreateSchedule"))
                .resources(List.of(schedulesArn(group.getName())))
                .build());
        role.grantPassRole(grantee.getGrantPrincipal());
    }
}
