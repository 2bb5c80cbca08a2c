package dev.herald.cdk;

import dev.herald.catalog.Catalog;
import dev.herald.config.HeraldEnv;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.apigateway.CfnAccount;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.constructs.Construct;

/**
 * The whole platform in one stack, one construct per area:
 * {@link HeraldStorage} (tables), {@link HeraldFunctions} (every Lambda), {@link HeraldEvents} (bus and catalog
 * rules), {@link HeraldWebSocketApi} and {@link HeraldIngestApi}, {@link HeraldMessaging} (SES, SNS) and
 * {@link HeraldOperations} (alarms, dashboard, canary deployments). Permissions are granted here, where both sides
 * of each grant are visible.
 */
public final class HeraldStack extends Stack {

    private final HeraldContext context;
    private final HeraldStorage storage;
    private final HeraldFunctions functions;
    private final HeraldEvents events;
    private final HeraldWebSocketApi webSocket;
    private final HeraldIngestApi ingest;
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
        events = new HeraldEvents(this, "Events", catalog, functions, environment);
        messaging = new HeraldMessaging(this, "Messaging", context, catalog, environment);
        events.routeSesEvents(messaging.configurationSet().getConfigurationSetName(), functions);
        CfnAccount apiGatewayAccount = apiGatewayLogging();
        webSocket = new HeraldWebSocketApi(this, "WebSocket", context, functions, environment, apiGatewayAccount);
        ingest = new HeraldIngestApi(this, "Ingest", context, events.bus(), functions, environment, apiGatewayAccount);
        handOffs(environment);
        grants();
        functions.applyEnvironment(environment);
        operations = new HeraldOperations(this, "Operations", context, functions, events.deadLetterQueues());
        outputs();
        suppressions();
    }

    /** Processor to channels: async invokes of the channels' live aliases (by ARN, so the alias's config applies). */
    private void handOffs(FunctionEnvironment environment) {
        environment.put(HeraldEnv.WEBSOCKET_FUNCTION, functions.alias(HeraldFunction.WEBSOCKET_CHANNEL).getFunctionArn())
                .put(HeraldEnv.PUSH_FUNCTION, functions.alias(HeraldFunction.PUSH_CHANNEL).getFunctionArn())
                .put(HeraldEnv.EMAIL_FUNCTION, functions.alias(HeraldFunction.EMAIL_CHANNEL).getFunctionArn());
        for (HeraldFunction channel : List.of(HeraldFunction.WEBSOCKET_CHANNEL, HeraldFunction.PUSH_CHANNEL, HeraldFunction.EMAIL_CHANNEL)) {
            functions.alias(channel).grantInvoke(functions.role(HeraldFunction.PROCESSOR));
        }
        // Delivery Status and Recipient Unsubscribed events: every final state and unsubscribe mark written to the
        // deliveries table, in order per delivery.
        functions.alias(HeraldFunction.STATUS_EVENTS).addEventSource(DynamoEventSource.Builder.create(storage.deliveries())
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(100)
                .maxBatchingWindow(Duration.seconds(1))
                .bisectBatchOnError(true)
                .retryAttempts(10)
                .maxRecordAge(Duration.hours(24))
                .onFailure(new SqsDlq(functions.failureQueue(HeraldFunction.STATUS_EVENTS).orElseThrow()))
                .build());
    }

    /** Least privilege: each role gets the tables and actions its handler uses, nothing more. */
    private void grants() {
        var recipients = storage.recipients();
        var deliveries = storage.deliveries();
        var connections = storage.connections();
        recipients.grantReadData(functions.role(HeraldFunction.ENRICHMENT));
        recipients.grantReadWriteData(functions.role(HeraldFunction.RECIPIENT_EVENTS));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.PROCESSOR));
        // Rate-limit counters live in the recipients table.
        recipients.grantReadWriteData(functions.role(HeraldFunction.PROCESSOR));

        connections.grantReadWriteData(functions.role(HeraldFunction.WEBSOCKET_CHANNEL));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.WEBSOCKET_CHANNEL));
        connections.grantWriteData(functions.role(HeraldFunction.WEBSOCKET_CONNECT));
        connections.grantReadWriteData(functions.role(HeraldFunction.WEBSOCKET_DISCONNECT));
        connections.grantReadData(functions.role(HeraldFunction.WEBSOCKET_DEFAULT));
        deliveries.grantReadWriteData(functions.role(HeraldFunction.WEBSOCKET_DEFAULT));

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

    /** API Gateway writes stage logs through one account-wide role; both APIs' stages wait for it. */
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
        output("IngestUrl", ingest.url(), "POST one event here with the x-api-key header");
        output("UnsubscribeUrl", ingest.unsubscribeUrl(),
                "one-click unsubscribe endpoint; emails link to it unless the unsubscribeUrl context key overrides it");
        output("IngestApiKeyId", ingest.apiKey().getKeyId(), "id of the ingest API key; its value: aws apigateway get-api-key --api-key ID --include-value --query value --output text");
        output("EventBusName", events.bus().getEventBusName(), "EventBridge bus apps publish domain events to");
        output("EventBusArn", events.bus().getEventBusArn(), "ARN of the bus, for IAM policies of publishers");
        output("SesConfigurationSet", messaging.configurationSet().getConfigurationSetName(), "SES configuration set every email uses");
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    /**
     * cdk-nag findings that are deliberate, each with its reason. Anything else fails the tests (and the synth).
     */
    private void suppressions() {
        for (HeraldFunction spec : functions.specs()) {
            NagSuppressions.addResourceSuppressions(functions.role(spec), List.of(
                    NagPackSuppression.builder().id("AwsSolutions-IAM5")
                            .reason("X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions (Resource *); "
                                    + "DynamoDB grants include the table's indexes (table/index/*), which the inbox and connection "
                                    + "lookups query; SNS platform endpoints are created per device, so publishing and reading, "
                                    + "refreshing and deleting endpoints are scoped to the endpoints of the configured platform "
                                    + "applications (endpoint/<platform>/<app>/*); WebSocket "
                                    + "connection ids are assigned at run time, so ManageConnections covers this stage's @connections/*.")
                            .appliesTo(List.of(
                                    "Resource::*",
                                    RegexAppliesTo.builder().regex("/^Resource::<Storage[A-Za-z0-9]+\\.Arn>\\/index\\/\\*$/g").build(),
                                    RegexAppliesTo.builder().regex("/^Resource::arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:endpoint\\/.*\\/\\*$/g").build(),
                                    RegexAppliesTo.builder().regex("/^Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<WebSocketApi[A-Za-z0-9]+>\\/"
                                            + context.envName() + "\\/\\*\\/@connections\\/\\*$/g").build()))
                            .build()), true);
        }
        NagSuppressions.addResourceSuppressions(operations, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM4")
                .reason("AWSCodeDeployRoleForLambdaLimited is CodeDeploy's documented role for Lambda deployments: it can only shift "
                        + "alias traffic and read the alarms.")
                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited"))
                .build()), true);
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

    public HeraldMessaging messaging() {
        return messaging;
    }

    public HeraldOperations operations() {
        return operations;
    }
}
