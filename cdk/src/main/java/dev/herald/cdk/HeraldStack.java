package dev.herald.cdk;

import dev.herald.catalog.Catalog;
import dev.herald.config.HeraldEnv;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.inbox.InboxState;
import dev.herald.inbox.InboxStore;
import dev.herald.recipient.preferences.PreferencesChangedMarks;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.apigateway.CfnAccount;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.FilterCriteria;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.constructs.Construct;
import software.constructs.DependencyGroup;
import software.constructs.IConstruct;
import software.constructs.IDependable;

/**
 * The whole platform in one stack, one construct per area:
 * {@link HeraldStorage} (tables), {@link HeraldFunctions} (every Lambda), {@link HeraldEvents} (bus and catalog
 * rules), {@link HeraldWebSocketApi} and {@link HeraldIngestApi}, {@link HeraldMessaging} (SES, SNS) and
 * {@link HeraldOperations} (alarms, dashboard, canary deployments). Permissions are granted here, where both sides
 * of each grant are visible.
 */
public final class HeraldStack extends Stack {

    /** The channel functions, each fed by its own queue and paced to its provider. */
    static final List<HeraldFunction> CHANNELS = List.of(HeraldFunction.WEBSOCKET_CHANNEL, HeraldFunction.PUSH_CHANNEL,
            HeraldFunction.EMAIL_CHANNEL);

    private final HeraldContext context;
    private final HeraldStorage storage;
    private final HeraldFunctions functions;
    private final HeraldScheduling scheduling;
    private final HeraldEvents events;
    private final HeraldWebSocketApi webSocket;
    private final HeraldIngestApi ingest;
    private final HeraldPreferencesApi preferences;
    private final HeraldMessaging messaging;
    private final HeraldOperations operations;

    /**
     * @param catalog        the catalog the Lambda jars carry; its types become the rules
     * @param repositoryRoot where the modules' {@code target/} directories are (unless {@code lambdaJarsDir} is set)
     */
    public HeraldStack(Construct scope, String id, StackProps props, Catalog catalog, Path repositoryRoot) {
        super(scope, id, props);
        context = HeraldContext.from(this);
        Tags.of(this).add("herald:env", context.envName());
        FunctionEnvironment environment = new FunctionEnvironment();

        storage = new HeraldStorage(this, "Storage", environment);
        functions = new HeraldFunctions(this, "Functions", context, repositoryRoot);
        scheduling = new HeraldScheduling(this, "Scheduling", context.envName(), functions.workQueue(HeraldFunction.DUE),
                functions.failureQueue(HeraldFunction.DUE).orElseThrow());
        events = new HeraldEvents(this, "Events", context, catalog, functions, environment);
        messaging = new HeraldMessaging(this, "Messaging", context, catalog, environment);
        events.routeSesEvents(messaging.configurationSet().getConfigurationSetName(), functions);
        IDependable apiGatewayAccount = context.apiGatewayCloudWatchRole() ? apiGatewayLogging() : new DependencyGroup();
        webSocket = new HeraldWebSocketApi(this, "WebSocket", context, functions, environment, apiGatewayAccount);
        ingest = new HeraldIngestApi(this, "Ingest", context, events.bus(), functions, environment, apiGatewayAccount);
        preferences = new HeraldPreferencesApi(this, "Preferences", context, functions, storage, webSocket, functions.workQueue(HeraldFunction.DUE),
                apiGatewayAccount);
        handOffs(environment);
        grants();
        functions.applyEnvironment(environment);
        operations = new HeraldOperations(this, "Operations", context, functions, storage, events.deadLetterQueues());
        outputs();
        suppressions();
    }

    /**
     * The hand-offs between functions, all through SQS: enrichment to the processor's queue (and a topic's first page
     * to the fan-out's), the fan-out to the processor's and to its own, the processor to the channels', and each
     * channel to its own (throttled recipients, sent back for later). Each function's mapping grants it what it needs
     * to consume its queue; these grants are the sends. Each channel paces itself at its share of its provider's rate.
     */
    private void handOffs(FunctionEnvironment environment) {
        Map<HeraldFunction, HeraldEnv> queueUrls = Map.of(HeraldFunction.PROCESSOR, HeraldEnv.PROCESSOR_QUEUE_URL,
                HeraldFunction.FANOUT, HeraldEnv.FANOUT_QUEUE_URL, HeraldFunction.WEBSOCKET_CHANNEL, HeraldEnv.WEBSOCKET_QUEUE_URL,
                HeraldFunction.PUSH_CHANNEL, HeraldEnv.PUSH_QUEUE_URL, HeraldFunction.EMAIL_CHANNEL, HeraldEnv.EMAIL_QUEUE_URL,
                HeraldFunction.DUE, HeraldEnv.DUE_QUEUE_URL);
        queueUrls.forEach((queued, url) -> environment.put(url, functions.workQueue(queued).getQueueUrl()));
        // in HeraldFunction's order, so that the policies come out the same at every synthesis
        Map<HeraldFunction, List<HeraldFunction>> sendsTo = new EnumMap<>(Map.of(
                HeraldFunction.ENRICHMENT, List.of(HeraldFunction.PROCESSOR, HeraldFunction.FANOUT),
                HeraldFunction.FANOUT, List.of(HeraldFunction.PROCESSOR, HeraldFunction.FANOUT),
                HeraldFunction.RECIPIENT_EVENTS, List.of(HeraldFunction.DUE),
                HeraldFunction.PROCESSOR, List.of(HeraldFunction.WEBSOCKET_CHANNEL, HeraldFunction.PUSH_CHANNEL, HeraldFunction.EMAIL_CHANNEL,
                        HeraldFunction.DUE),
                HeraldFunction.DUE, List.of(HeraldFunction.PROCESSOR, HeraldFunction.WEBSOCKET_CHANNEL, HeraldFunction.PUSH_CHANNEL,
                        HeraldFunction.EMAIL_CHANNEL, HeraldFunction.DUE),
                HeraldFunction.WEBSOCKET_CHANNEL, List.of(HeraldFunction.WEBSOCKET_CHANNEL),
                HeraldFunction.PUSH_CHANNEL, List.of(HeraldFunction.PUSH_CHANNEL),
                HeraldFunction.EMAIL_CHANNEL, List.of(HeraldFunction.EMAIL_CHANNEL)));
        sendsTo.forEach((sender, receivers) -> receivers.forEach(
                receiver -> functions.workQueue(receiver).grantSendMessages(functions.role(sender))));
        for (HeraldFunction channel : CHANNELS) {
            environment.put(channel, HeraldEnv.SEND_RATE, context.delivery().sendRatePerEnvironment(channel));
        }
        // what waits: one-time schedules in Herald's group, sent to the due queue (or its DLQ) as Herald's scheduler role
        environment.put(HeraldEnv.DUE_QUEUE_ARN, functions.workQueue(HeraldFunction.DUE).getQueueArn());
        environment.put(HeraldEnv.SCHEDULER_ROLE_ARN, scheduling.roleArn());
        environment.put(HeraldEnv.SCHEDULER_DLQ_ARN, functions.failureQueue(HeraldFunction.DUE).orElseThrow().getQueueArn());
        environment.put(HeraldEnv.SCHEDULE_GROUP, scheduling.groupName());
        for (HeraldFunction scheduler : List.of(HeraldFunction.PROCESSOR, HeraldFunction.DUE)) {
            scheduling.grantSchedule(functions.role(scheduler));
        }
        // Delivery Status and Recipient Unsubscribed events: every final state and unsubscribe mark written to the
        // deliveries table, in order per delivery.
        functions.alias(HeraldFunction.STATUS_EVENTS).addEventSource(DynamoEventSource.Builder.create(storage.deliveries())
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .filters(statusStreamFilters())
                .batchSize(100)
                .maxBatchingWindow(Duration.seconds(1))
                .bisectBatchOnError(true)
                .retryAttempts(10)
                .maxRecordAge(Duration.hours(24))
                .onFailure(new SqsDlq(functions.failureQueue(HeraldFunction.STATUS_EVENTS).orElseThrow()))
                .build());
    }

    /**
     * What the status function reads from the stream, and nothing else, so that it is not invoked (or billed) for the
     * rest: inserts and updates whose new image holds a final status or a wait (Delivery Status) or an unsubscribe mark
     * (Recipient Unsubscribed), inserts of a preference change's mark (Recipient Preferences Changed), and removals of
     * unread in-app items (TTL's, which take them out of their users' counts). Other removals and every PENDING or
     * SENDING write are left out. The function still skips a final status that did not
     * change, which no filter can compare.
     */
    static List<Map<String, Object>> statusStreamFilters() {
        List<String> finalStates = Arrays.stream(DeliveryStatus.values()).filter(DeliveryStatus::isReported).map(Enum::name).toList();
        List<String> writes = List.of("INSERT", "MODIFY");
        List<String> unreadStates = Arrays.stream(InboxState.values()).filter(InboxState::unread).map(InboxState::id).toList();
        return List.of(
                FilterCriteria.filter(Map.of("eventName", writes,
                        "dynamodb", Map.of("NewImage", Map.of("status", Map.of("S", finalStates))))),
                FilterCriteria.filter(Map.of("eventName", writes,
                        "dynamodb", Map.of("NewImage", Map.of(DeliveryRepository.UNSUBSCRIBED_AT, Map.of("S", List.of(Map.of("exists", true))))))),
                FilterCriteria.filter(Map.of("eventName", List.of("INSERT"),
                        "dynamodb", Map.of("NewImage", Map.of(PreferencesChangedMarks.DETAIL, Map.of("S", List.of(Map.of("exists", true))))))),
                FilterCriteria.filter(Map.of("eventName", List.of("REMOVE"),
                        "dynamodb", Map.of("OldImage", Map.of(InboxStore.STATE, Map.of("S", unreadStates))))));
    }

    /** Least privilege: each role gets the tables and actions its handler uses, nothing more. */
    private void grants() {
        var recipients = storage.recipients();
        var deliveries = storage.deliveries();
        var connections = storage.connections();
        recipients.grantReadData(functions.role(HeraldFunction.ENRICHMENT));
        // A topic's fan-out progress lives beside its deliveries: enrichment starts it, the fan-out counts its pages.
        deliveries.grantReadWriteData(functions.role(HeraldFunction.ENRICHMENT));
        recipients.grantReadData(functions.role(HeraldFunction.FANOUT));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.FANOUT));
        recipients.grantReadWriteData(functions.role(HeraldFunction.RECIPIENT_EVENTS));
        // a recipient's deferred waits, listed to be decided again when their quiet hours change
        deliveries.grantReadData(functions.role(HeraldFunction.RECIPIENT_EVENTS));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.DUE));
        recipients.grantReadData(functions.role(HeraldFunction.DUE));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.PROCESSOR));
        // Rate-limit counters live in the recipients table.
        recipients.grantReadWriteData(functions.role(HeraldFunction.PROCESSOR));

        connections.grantReadWriteData(functions.role(HeraldFunction.WEBSOCKET_CHANNEL));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.WEBSOCKET_CHANNEL));
        // $connect stores the connection; its SnapStart priming looks one up.
        connections.grant(functions.role(HeraldFunction.WEBSOCKET_CONNECT), "dynamodb:PutItem", "dynamodb:GetItem");
        connections.grantReadWriteData(functions.role(HeraldFunction.WEBSOCKET_DISCONNECT));
        // the status function takes the unread in-app items that TTL removes out of their users' counts
        deliveries.grant(functions.role(HeraldFunction.STATUS_EVENTS), "dynamodb:UpdateItem");
        connections.grantReadData(functions.role(HeraldFunction.WEBSOCKET_DEFAULT));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.WEBSOCKET_DEFAULT));
        // preferences.get and .set over the socket, as the preferences function has them (HeraldPreferencesApi)
        recipients.grant(functions.role(HeraldFunction.WEBSOCKET_DEFAULT),
                "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
        functions.workQueue(HeraldFunction.DUE).grantSendMessages(functions.role(HeraldFunction.WEBSOCKET_DEFAULT));

        recipients.grantReadWriteData(functions.role(HeraldFunction.PUSH_CHANNEL));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.PUSH_CHANNEL));
        messaging.grantPublishToDevices(functions.role(HeraldFunction.PUSH_CHANNEL));
        recipients.grantReadWriteData(functions.role(HeraldFunction.DEVICE_EVENTS));
        messaging.grantManageDeviceEndpoints(functions.role(HeraldFunction.DEVICE_EVENTS));

        recipients.grantReadData(functions.role(HeraldFunction.EMAIL_CHANNEL));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.EMAIL_CHANNEL));
        messaging.grantSendEmail(functions.role(HeraldFunction.EMAIL_CHANNEL));

        recipients.grantReadWriteData(functions.role(HeraldFunction.SES_EVENTS));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.SES_EVENTS));

        // A public endpoint gets exactly its calls: GetItem of the link's delivery, then one transaction of a PutItem
        // of the unsubscribe beside the recipient's profile and an UpdateItem of the delivery's mark (TransactWriteItems
        // is authorized per item action). No query, no delete, no stream, no bus: the deliveries stream announces it.
        deliveries.grant(functions.role(HeraldFunction.UNSUBSCRIBE), "dynamodb:GetItem", "dynamodb:UpdateItem");
        recipients.grant(functions.role(HeraldFunction.UNSUBSCRIBE), "dynamodb:PutItem");
    }

    /**
     * API Gateway writes stage logs through one role per account and region, which the {@code AWS::ApiGateway::Account}
     * resource sets for every API there. Only with {@code apiGatewayCloudWatchRole=true}: otherwise the account must
     * already have one, or the stages' logging settings are refused. Both APIs' stages wait for it.
     */
    private CfnAccount apiGatewayLogging() {
        Role role = Role.Builder.create(this, "ApiGatewayCloudWatchRole")
                .assumedBy(new ServicePrincipal("apigateway.amazonaws.com"))
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonAPIGatewayPushToCloudWatchLogs")))
                .build();
        NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM4")
                .reason("AmazonAPIGatewayPushToCloudWatchLogs is the role API Gateway documents for account-level logging; it can only "
                        + "create and write API Gateway's own log groups.")
                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"))
                .build()));
        return CfnAccount.Builder.create(this, "ApiGatewayAccount").cloudWatchRoleArn(role.getRoleArn()).build();
    }

    private void outputs() {
        output("WebSocketUrl", webSocket.stage().getUrl(), "wss:// URL browsers connect to (append ?token=JWT)");
        output("WebSocketCallbackUrl", webSocket.stage().getCallbackUrl(), "API Gateway Management API endpoint of the stage");
        output("IngestUrl", ingest.url(), context.ingestAuth() == HeraldContext.IngestAuth.IAM
                ? "POST one event here, signed with SigV4 (service execute-api) by a principal allowed IngestInvokeArn"
                : "POST one event here with a publisher's x-api-key header");
        output("UnsubscribeUrl", ingest.unsubscribeUrl(),
                "one-click unsubscribe endpoint; emails link to it unless the unsubscribeUrl context key overrides it");
        ingest.apiKeys().forEach((publisher, key) -> output(apiKeyOutputId(publisher), key.getKeyId(), "id of the ingest API key of publisher "
                + publisher + "; its value: aws apigateway get-api-key --api-key ID --include-value --query value --output text"));
        if (context.ingestAuth() == HeraldContext.IngestAuth.IAM) {
            output("IngestInvokeArn", ingest.invokeArn(), "allow publishers execute-api:Invoke on this ARN to POST /events");
        }
        output("PreferencesUrl", preferences.url(), "GET or PUT a recipient's own preferences here, with Authorization: Bearer and the "
                + "same JWT as the WebSocket");
        output("InboxScriptUrl", preferences.inboxScriptUrl(), "the <herald-inbox> element's script, public and cached for an hour; "
                + "herald-client.js sits beside it");
        output("EventBusName", events.bus().getEventBusName(), "EventBridge bus apps publish domain events to (herald-<envName>; "
                + "point the publisher library at it with busName)");
        output("EventBusArn", events.bus().getEventBusArn(), "ARN of the bus, for IAM policies of publishers");
        output("SesConfigurationSet", messaging.configurationSet().getConfigurationSetName(), "SES configuration set every email uses");
        output("AlarmTopicArn", operations.alarmTopic().getTopicArn(), "SNS topic every alarm notifies; subscribe on-call tools to it");
    }

    /** {@code IngestApiKeyId} plus the publisher's name in camel case: {@code billing-app} gives {@code IngestApiKeyIdBillingApp}. */
    static String apiKeyOutputId(String publisher) {
        StringBuilder id = new StringBuilder("IngestApiKeyId");
        for (String part : publisher.split("-")) {
            if (!part.isEmpty()) {
                id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return id.toString();
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    /**
     * cdk-nag findings that are deliberate, each with its reason. Anything else fails the tests (and the synth).
     * Each function role's wildcard resources are suppressed one by one, exactly those its policy holds, each with
     * the reason for that wildcard; a wildcard without a known reason stops the synth.
     */
    private void suppressions() {
        for (HeraldFunction spec : functions.specs()) {
            Map<String, String> wildcards = RoleWildcards.of(this, functions.role(spec));
            List<String> reasons = new ArrayList<>();
            List<Object> appliesTo = new ArrayList<>();
            wildcards.forEach((resource, rendered) -> {
                appliesTo.add("Resource::" + rendered);
                reasons.add(rendered + ": " + wildcardReason(spec, rendered));
            });
            if (!appliesTo.isEmpty()) {
                NagSuppressions.addResourceSuppressions(functions.role(spec), List.of(NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason(String.join(" ", reasons))
                        .appliesTo(appliesTo)
                        .build()), true);
            }
        }
        NagSuppressions.addResourceSuppressions(operations, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM4")
                .reason("AWSCodeDeployRoleForLambdaLimited is CodeDeploy's documented role for Lambda deployments: it can only shift "
                        + "alias traffic and read the alarms.")
                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited"))
                .build()), true);
    }

    /** Why one role may hold one wildcard resource (in cdk-nag's rendering); fails for a wildcard nobody explained. */
    private String wildcardReason(HeraldFunction spec, String resource) {
        if (resource.equals("*")) {
            return "X-Ray's PutTraceSegments and PutTelemetryRecords (active tracing) have no resource-level permissions"
                    + (spec.invocation() == HeraldFunction.Invocation.STREAM
                    ? "; nor has dynamodb:ListStreams, which the deliveries-stream event source mapping needs." : ".");
        }
        for (var table : storage.tables().entrySet()) {
            String id = resolvedLogicalId(table.getValue());
            if (resource.equals("<" + id + ".Arn>/index/*")) {
                return "CDK's grants on the " + table.getKey().logicalName() + " table cover its indexes ("
                        + table.getKey().indexes().stream().map(i -> i.name()).collect(Collectors.joining(", "))
                        + "), whose ARNs are the table's plus /index/<name>.";
            }
        }
        for (String application : context.platformApplicationArns()) {
            if (resource.equals(HeraldMessaging.endpointsOf(application))) {
                return "SNS creates an endpoint per device at run time, so the grant covers the endpoints of the configured platform "
                        + "application " + application.substring(application.lastIndexOf(":app/") + 1) + " only.";
            }
        }
        if (resource.contains(":scheduler:") && resource.endsWith(":schedule/" + HeraldScheduling.groupName(context.envName()) + "/*")) {
            return "Herald names a one-time schedule per wait at run time, so CreateSchedule covers Herald's own schedule group only.";
        }
        if ((spec == HeraldFunction.WEBSOCKET_CHANNEL || spec == HeraldFunction.WEBSOCKET_DEFAULT || spec == HeraldFunction.PREFERENCES)
                && resource.endsWith("/" + context.envName() + "/*/@connections/*")) {
            return "API Gateway assigns connection ids at run time, so ManageConnections covers this stage's @connections/* only.";
        }
        throw new IllegalStateException("the role of " + spec.id() + " holds the wildcard resource " + resource
                + " and nobody said why; grant something narrower or add its reason in HeraldStack.wildcardReason");
    }

    private String resolvedLogicalId(IConstruct construct) {
        return (String) resolve(getLogicalId((CfnElement) construct.getNode().getDefaultChild()));
    }

    public HeraldContext context() {
        return context;
    }

    public HeraldFunctions functions() {
        return functions;
    }

    public HeraldStorage storage() {
        return storage;
    }

    public HeraldEvents events() {
        return events;
    }

    public HeraldWebSocketApi webSocket() {
        return webSocket;
    }

    public HeraldIngestApi ingest() {
        return ingest;
    }

    public HeraldPreferencesApi preferences() {
        return preferences;
    }

    public HeraldMessaging messaging() {
        return messaging;
    }

    public HeraldOperations operations() {
        return operations;
    }
}
