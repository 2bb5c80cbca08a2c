package dev.herald.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.codedeploy.LambdaApplication;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentGroup;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * What an operator watches: an alarm on every dead-letter queue that holds anything (each message there is a
 * notification that did not go out), on each function's error rate and on its throttles; a dashboard; and a
 * CodeDeploy canary per alias, rolled back by that function's alarms, so a bad release reaches 10% of traffic for
 * five minutes at most.
 */
public final class HeraldOperations extends Construct {

    /** Percent of invocations in a minute that fail before the function's alarm fires. */
    static final int ERROR_RATE_PERCENT = 1;
    static final String METRICS_NAMESPACE = "Herald";

    private final Map<HeraldFunction, List<Alarm>> functionAlarms = new LinkedHashMap<>();
    private final Map<String, Alarm> queueAlarms = new LinkedHashMap<>();
    private final Map<HeraldFunction, LambdaDeploymentGroup> deploymentGroups = new LinkedHashMap<>();

    public HeraldOperations(Construct scope, String id, HeraldContext context, HeraldFunctions functions, Map<String, Queue> deadLetterQueues) {
        super(scope, id);
        String prefix = "herald-" + context.envName() + "-";
        Map<String, Queue> queues = new LinkedHashMap<>();
        for (HeraldFunction spec : functions.specs()) {
            functions.failureQueue(spec).ifPresent(q -> queues.put(spec.id() + " failures", q));
        }
        deadLetterQueues.forEach((what, q) -> queues.put("rule target " + what, q));
        int n = 0;
        for (Map.Entry<String, Queue> queue : queues.entrySet()) {
            queueAlarms.put(queue.getKey(), Alarm.Builder.create(this, "DeadLetters" + n++)
                    .alarmName(prefix + "dlq-" + queue.getKey().replaceAll("[^A-Za-z0-9.-]+", "-"))
                    .alarmDescription("Messages in the dead-letter queue of " + queue.getKey()
                            + ": notifications that were not delivered. Inspect and redrive them (README, Operations).")
                    .metric(queue.getValue().metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                            .period(Duration.minutes(1)).statistic("Maximum").build()))
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .threshold(0)
                    .evaluationPeriods(1)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build());
        }

        LambdaApplication application = LambdaApplication.Builder.create(this, "Deployments")
                .applicationName(prefix + "lambdas")
                .build();
        // One service role for every deployment group, rather than one each.
        Role deployer = Role.Builder.create(this, "DeploymentRole")
                .assumedBy(new ServicePrincipal("codedeploy.amazonaws.com"))
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSCodeDeployRoleForLambdaLimited")))
                .build();
        for (HeraldFunction spec : functions.specs()) {
            Alias alias = functions.alias(spec);
            Construct group = new Construct(this, spec.id());
            MathExpression errorRate = MathExpression.Builder.create()
                    .expression("IF(invocations > 0, 100 * errors / invocations, 0)")
                    .usingMetrics(Map.of(
                            "errors", alias.metricErrors(MetricOptions.builder().period(Duration.minutes(1)).statistic("Sum").build()),
                            "invocations", alias.metricInvocations(MetricOptions.builder().period(Duration.minutes(1)).statistic("Sum").build())))
                    .label(spec.id() + " error rate (%)")
                    .period(Duration.minutes(1))
                    .build();
            Alarm errors = Alarm.Builder.create(group, "ErrorRate")
                    .alarmName(prefix + spec.id() + "-error-rate")
                    .alarmDescription(spec.id() + ": more than " + ERROR_RATE_PERCENT + "% of invocations failed in a minute, twice in a row")
                    .metric(errorRate)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .threshold(ERROR_RATE_PERCENT)
                    .evaluationPeriods(2)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build();
            Alarm throttles = Alarm.Builder.create(group, "Throttles")
                    .alarmName(prefix + spec.id() + "-throttles")
                    .alarmDescription(spec.id() + ": invocations were throttled; raise the account's concurrency or find the flood")
                    .metric(alias.metricThrottles(MetricOptions.builder().period(Duration.minutes(1)).statistic("Sum").build()))
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .threshold(0)
                    .evaluationPeriods(1)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build();
            functionAlarms.put(spec, List.of(errors, throttles));
            deploymentGroups.put(spec, LambdaDeploymentGroup.Builder.create(group, "Canary")
                    .application(application)
                    .role(deployer)
                    .alias(alias)
                    .deploymentConfig(LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES)
                    .alarms(List.of(errors, throttles))
                    .build());
        }
        dashboard(prefix, functions, queues);
    }

    private void dashboard(String prefix, HeraldFunctions functions, Map<String, Queue> queues) {
        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName(prefix + "notifications").build();
        List<IMetric> outcomes = new ArrayList<>();
        for (String name : List.of("NotificationsRouted", "NotificationsDelivered", "NotificationsSkipped", "NotificationsFailed")) {
            outcomes.add(Metric.Builder.create().namespace(METRICS_NAMESPACE).metricName(name).statistic("Sum")
                    .period(Duration.minutes(1)).label(name).build());
        }
        dashboard.addWidgets(GraphWidget.Builder.create().title("Notifications (all channels)").left(outcomes).width(24).build());
        List<IMetric> invocations = new ArrayList<>();
        List<IMetric> errors = new ArrayList<>();
        List<IMetric> durations = new ArrayList<>();
        List<IMetric> throttles = new ArrayList<>();
        for (HeraldFunction spec : functions.specs()) {
            Alias alias = functions.alias(spec);
            MetricOptions label = MetricOptions.builder().label(spec.id()).period(Duration.minutes(1)).build();
            invocations.add(alias.metricInvocations(label));
            errors.add(alias.metricErrors(label));
            throttles.add(alias.metricThrottles(label));
            durations.add(alias.metricDuration(MetricOptions.builder().label(spec.id()).statistic("p99").period(Duration.minutes(1)).build()));
        }
        dashboard.addWidgets(
                GraphWidget.Builder.create().title("Invocations").left(invocations).width(12).build(),
                GraphWidget.Builder.create().title("Errors").left(errors).width(12).build());
        dashboard.addWidgets(
                GraphWidget.Builder.create().title("Duration p99 (ms)").left(durations).width(12).build(),
                GraphWidget.Builder.create().title("Throttles").left(throttles).width(12).build());
        List<IMetric> depths = new ArrayList<>();
        queues.forEach((what, queue) -> depths.add(queue.metricApproximateNumberOfMessagesVisible(
                MetricOptions.builder().label(what).statistic("Maximum").period(Duration.minutes(1)).build())));
        dashboard.addWidgets(GraphWidget.Builder.create().title("Dead-letter queues (messages)").left(depths).width(24).build());
    }

    public Map<HeraldFunction, List<Alarm>> functionAlarms() {
        return Map.copyOf(functionAlarms);
    }

    public Map<String, Alarm> queueAlarms() {
        return Map.copyOf(queueAlarms);
    }

    public Map<HeraldFunction, LambdaDeploymentGroup> deploymentGroups() {
        return Map.copyOf(deploymentGroups);
    }
}
