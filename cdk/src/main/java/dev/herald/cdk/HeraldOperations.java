package dev.herald.cdk;

import dev.herald.catalog.Channel;
import dev.herald.observability.EmfNotificationMetrics;
import dev.herald.observability.EmfRefusalMetrics;
import dev.herald.observability.RefusalMetrics;
import dev.herald.store.TableDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.codedeploy.LambdaApplication;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentConfig;
import software.amazon.awscdk.services.codedeploy.LambdaDeploymentGroup;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * What an operator watches, and who hears of it. Every alarm notifies one SNS topic per environment (encrypted, TLS
 * only; mailed to {@code alarmEmail} when set), when it fires and when it returns to OK:
 * <ul>
 *   <li>every dead-letter queue that holds anything (each message there is a notification that did not go out);</li>
 *   <li>each function's error rate and throttles; each asynchronously invoked function's dropped events and failed
 *       hand-offs to its destinations (Lambda drops a destination record over its payload limit and says so only in
 *       {@code DestinationDeliveryFailures}); the status function's stream age;</li>
 *   <li>DynamoDB throttles per table; SES bounce and complaint rates; notifications that enrichment refused.</li>
 * </ul>
 * Plus a dashboard, and a CodeDeploy canary per alias, rolled back when that function's error rate alarms, so a bad
 * release reaches 10% of traffic for five minutes at most.
 */
public final class HeraldOperations extends Construct {

    /** Percent of invocations in a minute that fail before the function's alarm fires. */
    static final int ERROR_RATE_PERCENT = 1;
    static final String METRICS_NAMESPACE = EmfNotificationMetrics.NAMESPACE;
    /**
     * Enrichment emits this ({@link EmfRefusalMetrics}: namespace {@code Herald}, the one dimension {@code Service} =
     * {@value #REFUSED_SERVICE}) for each notification it refuses because its audience cannot be handed on within
     * Lambda's payload limits.
     */
    static final String REFUSED_METRIC = RefusalMetrics.METRIC_NAME;
    /** The enrichment handler's service name (its module is not a dependency here; a test holds the two equal). */
    static final String REFUSED_SERVICE = "enrichment";
    /** Status events are published within seconds; a stream record older than this means the function is stuck. */
    static final Duration MAX_STREAM_AGE = Duration.minutes(5);
    /** Half of what SES reviews an account at (5% bounces, 0.1% complaints): time to act before sending is paused. */
    static final double SES_BOUNCE_RATE = 0.025;
    static final double SES_COMPLAINT_RATE = 0.0005;

    static final int ALARMS_PER_WIDGET = 100;

    private final Topic alarmTopic;
    private final List<Alarm> alarms = new ArrayList<>();
    private final Map<HeraldFunction, List<Alarm>> functionAlarms = new LinkedHashMap<>();
    private final Map<String, Alarm> queueAlarms = new LinkedHashMap<>();
    private final Map<String, Alarm> signalAlarms = new LinkedHashMap<>();
    private final Map<HeraldFunction, LambdaDeploymentGroup> deploymentGroups = new LinkedHashMap<>();

    public HeraldOperations(Construct scope, String id, HeraldContext context, HeraldFunctions functions, HeraldStorage storage,
                            Map<String, Queue> deadLetterQueues) {
        super(scope, id);
        String prefix = "herald-" + context.envName() + "-";
        alarmTopic = alarmTopic(context, prefix);

        Map<String, Queue> queues = new LinkedHashMap<>();
        for (HeraldFunction spec : functions.specs()) {
            functions.failureQueue(spec).ifPresent(q -> queues.put(spec.id() + " failures", q));
        }
        deadLetterQueues.forEach((what, q) -> queues.put("rule target " + what, q));
        int n = 0;
        for (Map.Entry<String, Queue> queue : queues.entrySet()) {
            queueAlarms.put(queue.getKey(), notify(Alarm.Builder.create(this, "DeadLetters" + n++)
                    .alarmName(prefix + "dlq-" + queue.getKey().replaceAll("[^A-Za-z0-9.-]+", "-"))
                    .alarmDescription("Messages in the dead-letter queue of " + queue.getKey()
                            + ": notifications that were not delivered. Inspect and redrive them (README, Operations).")
                    .metric(queue.getValue().metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                            .period(Duration.minutes(1)).statistic("Maximum").build()))
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .threshold(0)
                    .evaluationPeriods(1)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build()));
        }

        // A work queue whose oldest message keeps ageing: its function is not keeping up (held back by its mapping's
        // maximum concurrency or its pace, or failing) and notifications are late, before anything reaches a DLQ.
        for (HeraldFunction spec : functions.specs()) {
            if (spec.invocation() != HeraldFunction.Invocation.QUEUE) {
                continue;
            }
            Queue work = functions.workQueue(spec);
            queueAlarms.put(spec.id() + " queue age", notify(Alarm.Builder.create(this, "QueueAge" + spec.id())
                    .alarmName(prefix + spec.id() + "-queue-age")
                    .alarmDescription("The oldest message in the " + spec.id() + " queue has waited over "
                            + context.delivery().queueAgeAlarmSeconds() + " s for 5 minutes: the function is not keeping up (its "
                            + "mapping's maximum concurrency or its send rate holds it back, or it is failing). Notifications are late.")
                    .metric(work.metricApproximateAgeOfOldestMessage(MetricOptions.builder()
                            .period(Duration.minutes(1)).statistic("Maximum").build()))
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .threshold(context.delivery().queueAgeAlarmSeconds())
                    .evaluationPeriods(5)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build()));
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
            Alarm errors = notify(Alarm.Builder.create(group, "ErrorRate")
                    .alarmName(prefix + spec.id() + "-error-rate")
                    .alarmDescription(spec.id() + ": more than " + ERROR_RATE_PERCENT + "% of invocations failed in a minute, twice in a row")
                    .metric(errorRate)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .threshold(ERROR_RATE_PERCENT)
                    .evaluationPeriods(2)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build());
            Alarm throttles = notify(Alarm.Builder.create(group, "Throttles")
                    .alarmName(prefix + spec.id() + "-throttles")
                    .alarmDescription(spec.id() + ": invocations were throttled; raise the account's concurrency or find the flood")
                    .metric(alias.metricThrottles(MetricOptions.builder().period(Duration.minutes(1)).statistic("Sum").build()))
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .threshold(0)
                    .evaluationPeriods(1)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build());
            functionAlarms.put(spec, List.of(errors, throttles));
            // Errors only: a throttle says the account lacks concurrency, not that the new version is bad, and
            // rolling back would not give it any.
            deploymentGroups.put(spec, LambdaDeploymentGroup.Builder.create(group, "Canary")
                    .application(application)
                    .role(deployer)
                    .alias(alias)
                    .deploymentConfig(LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES)
                    .alarms(List.of(errors))
                    .build());
            if (spec.invocation() != HeraldFunction.Invocation.SYNC) {
                asyncAlarms(group, prefix, spec, functions.function(spec));
            }
        }
        streamAlarm(prefix, functions);
        tableAlarms(prefix, storage);
        sesAlarms(prefix);
        refusedAlarm(prefix);
        dashboard(prefix, functions, queues);
    }

    /** The topic every alarm notifies. CloudWatch can publish to an encrypted topic only with a key that lets it. */
    private Topic alarmTopic(HeraldContext context, String prefix) {
        Key key = Key.Builder.create(this, "AlarmTopicKey")
                .description("Herald " + context.envName() + ": encrypts the alarm topic")
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsPublish")
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*"))
                .build());
        Topic topic = Topic.Builder.create(this, "AlarmTopic")
                .topicName(prefix + "alarms")
                .displayName("Herald " + context.envName() + " alarms")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        context.alarmEmail().ifPresent(address -> topic.addSubscription(new EmailSubscription(address)));
        return topic;
    }

    /** Every alarm tells the topic when it fires and when it is over. */
    private Alarm notify(Alarm alarm) {
        SnsAction action = new SnsAction(alarmTopic);
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        alarms.add(alarm);
        return alarm;
    }

    private Alarm signal(Construct scope, String id, String name, String description, IMetric metric, double threshold,
                         int evaluationPeriods, TreatMissingData missing) {
        Alarm alarm = notify(Alarm.Builder.create(scope, id)
                .alarmName(name)
                .alarmDescription(description)
                .metric(metric)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .threshold(threshold)
                .evaluationPeriods(evaluationPeriods)
                .treatMissingData(missing)
                .build());
        signalAlarms.put(name, alarm);
        return alarm;
    }

    /**
     * Events Lambda dropped (too old, or retries exhausted without a destination), and records it could not hand to
     * a destination: enrichment's on-success record to the processor (lost past the payload limit) or any
     * function's on-failure record to its queue (the status function's stream failures included).
     */
    private void asyncAlarms(Construct group, String prefix, HeraldFunction spec, Function function) {
        MetricOptions fiveMinutes = MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
        signal(group, "DestinationDeliveryFailures", prefix + spec.id() + "-destination-delivery-failures",
                spec.id() + ": Lambda could not deliver a record to the function's destination"
                        + (spec == HeraldFunction.ENRICHMENT ? " (the processor, or the failure queue)" : " (its failure queue)")
                        + "; that event is lost. Check the payload size and the destination's permissions.",
                function.metric("DestinationDeliveryFailures", fiveMinutes), 0, 1, TreatMissingData.NOT_BREACHING);
        if (spec.invocation() == HeraldFunction.Invocation.ASYNC) {
            signal(group, "AsyncEventsDropped", prefix + spec.id() + "-async-events-dropped",
                    spec.id() + ": Lambda dropped asynchronous events without processing them (too old, or throttled past "
                            + "their maximum age); they reached no destination.",
                    function.metric("AsyncEventsDropped", fiveMinutes), 0, 1, TreatMissingData.NOT_BREACHING);
        }
    }

    private void streamAlarm(String prefix, HeraldFunctions functions) {
        HeraldFunction spec = HeraldFunction.STATUS_EVENTS;
        signal(this, "StatusStreamAge", prefix + spec.id() + "-iterator-age",
                spec.id() + ": the oldest deliveries-stream record waiting has been there more than " + MAX_STREAM_AGE.toMinutes()
                        + " minutes, three minutes running; Delivery Status and Recipient Unsubscribed events are late "
                        + "(records expire after 24 hours).",
                functions.function(spec).metric("IteratorAge", MetricOptions.builder().period(Duration.minutes(1)).statistic("Maximum").build()),
                MAX_STREAM_AGE.toMilliseconds().doubleValue(), 3, TreatMissingData.NOT_BREACHING);
    }

    /** On-demand tables still throttle a hot key or a burst past twice the previous peak. */
    private void tableAlarms(String prefix, HeraldStorage storage) {
        for (Map.Entry<TableDefinition, Table> entry : storage.tables().entrySet()) {
            Table table = entry.getValue();
            MetricOptions sum = MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
            MathExpression throttled = MathExpression.Builder.create()
                    .expression("SUM([reads, writes])")
                    .usingMetrics(Map.of("reads", table.metric("ReadThrottleEvents", sum), "writes", table.metric("WriteThrottleEvents", sum)))
                    .label(entry.getKey().logicalName() + " throttled requests")
                    .period(Duration.minutes(5))
                    .build();
            signal(this, "Throttles" + entry.getKey().logicalName(), prefix + "dynamodb-" + entry.getKey().logicalName().toLowerCase(Locale.ROOT) + "-throttles",
                    "DynamoDB throttled reads or writes of the " + entry.getKey().logicalName() + " table in the last 5 minutes (a hot key, "
                            + "or traffic past twice its previous peak); the SDK retries, then the function fails and Lambda retries.",
                    throttled, 0, 1, TreatMissingData.NOT_BREACHING);
        }
    }

    /**
     * SES's own reputation rates, account-wide (every environment in the account alarms on the same figures). SES
     * publishes them a few times an hour at most, so a missing point keeps the alarm's state.
     */
    private void sesAlarms(String prefix) {
        signal(this, "SesBounceRate", prefix + "ses-bounce-rate",
                "SES bounce rate above " + SES_BOUNCE_RATE * 100 + "% (SES reviews the account at 5% and may pause sending): "
                        + "find the source of the invalid addresses.",
                sesMetric("Reputation.BounceRate"), SES_BOUNCE_RATE, 1, TreatMissingData.IGNORE);
        signal(this, "SesComplaintRate", prefix + "ses-complaint-rate",
                "SES complaint rate above " + SES_COMPLAINT_RATE * 100 + "% (SES reviews the account at 0.1% and may pause sending): "
                        + "check which category is marked as spam and whether its unsubscribe link works.",
                sesMetric("Reputation.ComplaintRate"), SES_COMPLAINT_RATE, 1, TreatMissingData.IGNORE);
    }

    static Metric sesMetric(String name) {
        return Metric.Builder.create().namespace("AWS/SES").metricName(name).statistic("Maximum").period(Duration.hours(1)).build();
    }

    private void refusedAlarm(String prefix) {
        signal(this, "NotificationsRefused", prefix + "notifications-refused",
                "Enrichment refused a notification whose audience cannot be handed on within Lambda's payload limits; it was "
                        + "recorded with its reason and reached nobody. Split the topic or raise maxRecipients only as far as fits.",
                refusedMetric(Duration.minutes(5)), 0, 1, TreatMissingData.NOT_BREACHING);
    }

    static Metric refusedMetric(Duration period) {
        return Metric.Builder.create().namespace(METRICS_NAMESPACE).metricName(REFUSED_METRIC)
                .dimensionsMap(Map.of(EmfRefusalMetrics.DIMENSION, REFUSED_SERVICE)).statistic("Sum").period(period).build();
    }

    /**
     * Herald's outcome counts carry one dimension, {@code Channel} (Powertools' default dimensions are replaced by it),
     * so a metric without dimensions matches none of them: each line sums the outcome over the channels.
     */
    static MathExpression outcomeAcrossChannels(String metricName) {
        // ids are unique within a graph: routed_websocket, delivered_websocket, ...
        String outcome = metricName.replaceFirst("^Notifications", "").toLowerCase(Locale.ROOT);
        Map<String, IMetric> perChannel = new LinkedHashMap<>();
        for (Channel channel : Channel.values()) {
            perChannel.put(outcome + "_" + channel.id(), Metric.Builder.create().namespace(METRICS_NAMESPACE).metricName(metricName)
                    .dimensionsMap(Map.of("Channel", channel.id())).statistic("Sum").period(Duration.minutes(1)).build());
        }
        return MathExpression.Builder.create()
                .expression("SUM([" + String.join(", ", perChannel.keySet()) + "])")
                .usingMetrics(perChannel)
                .label(metricName)
                .period(Duration.minutes(1))
                .build();
    }

    private void dashboard(String prefix, HeraldFunctions functions, Map<String, Queue> queues) {
        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName(prefix + "notifications").build();
        CfnLint.ignore(dashboard, "E3002", "CloudFormation accepts Tags on AWS::CloudWatch::Dashboard (CDK tags it since 2.257); "
                + "cfn-lint 1.51's resource schema predates that property.");
        List<IMetric> outcomes = new ArrayList<>();
        for (String name : List.of("NotificationsRouted", "NotificationsDelivered", "NotificationsSkipped", "NotificationsFailed")) {
            outcomes.add(outcomeAcrossChannels(name));
        }
        outcomes.add(refusedMetric(Duration.minutes(1)).with(MetricOptions.builder().label(REFUSED_METRIC).build()));
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
        List<IMetric> work = new ArrayList<>();
        List<IMetric> ages = new ArrayList<>();
        functions.workQueues().forEach((spec, queue) -> {
            work.add(queue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder().label(spec.id()).statistic("Maximum")
                    .period(Duration.minutes(1)).build()));
            ages.add(queue.metricApproximateAgeOfOldestMessage(MetricOptions.builder().label(spec.id()).statistic("Maximum")
                    .period(Duration.minutes(1)).build()));
        });
        dashboard.addWidgets(
                GraphWidget.Builder.create().title("Work queues (messages waiting)").left(work).width(12).build(),
                GraphWidget.Builder.create().title("Work queues (age of oldest message, s)").left(ages).width(12).build());
        // An alarm status widget shows at most 100 alarms; each catalog type adds one (its rule's dead-letter queue).
        for (int from = 0; from < alarms.size(); from += ALARMS_PER_WIDGET) {
            List<IAlarm> some = new ArrayList<>(alarms.subList(from, Math.min(alarms.size(), from + ALARMS_PER_WIDGET)));
            dashboard.addWidgets(AlarmStatusWidget.Builder.create().title("Alarms").alarms(some).width(24).build());
        }
    }

    /** The topic every alarm notifies. */
    public Topic alarmTopic() {
        return alarmTopic;
    }

    /** Every alarm in the stack, each with the alarm topic as its alarm and OK action. */
    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    public Map<HeraldFunction, List<Alarm>> functionAlarms() {
        return Map.copyOf(functionAlarms);
    }

    public Map<String, Alarm> queueAlarms() {
        return Map.copyOf(queueAlarms);
    }

    /** The alarms on signals other than a queue's depth or a function's errors and throttles, by alarm name. */
    public Map<String, Alarm> signalAlarms() {
        return Map.copyOf(signalAlarms);
    }

    public Map<HeraldFunction, LambdaDeploymentGroup> deploymentGroups() {
        return Map.copyOf(deploymentGroups);
    }
}
