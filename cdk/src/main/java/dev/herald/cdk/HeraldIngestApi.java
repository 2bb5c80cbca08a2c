package dev.herald.cdk;

import dev.herald.config.HeraldEnv;
import dev.herald.event.EventEnvelope;
import dev.herald.recipient.ManagementEvents;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.ApiKeyOptions;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.AwsIntegration;
import software.amazon.awscdk.services.apigateway.CorsOptions;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.GatewayResponseOptions;
import software.amazon.awscdk.services.apigateway.IApiKey;
import software.amazon.awscdk.services.apigateway.IntegrationOptions;
import software.amazon.awscdk.services.apigateway.IntegrationResponse;
import software.amazon.awscdk.services.apigateway.JsonSchema;
import software.amazon.awscdk.services.apigateway.JsonSchemaType;
import software.amazon.awscdk.services.apigateway.JsonSchemaVersion;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LambdaIntegrationOptions;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.MethodDeploymentOptions;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.MethodResponse;
import software.amazon.awscdk.services.apigateway.Model;
import software.amazon.awscdk.services.apigateway.ModelOptions;
import software.amazon.awscdk.services.apigateway.PassthroughBehavior;
import software.amazon.awscdk.services.apigateway.RequestValidatorOptions;
import software.amazon.awscdk.services.apigateway.Resource;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.apigateway.ThrottleSettings;
import software.amazon.awscdk.services.apigateway.UsagePlan;
import software.amazon.awscdk.services.apigateway.UsagePlanPerApiStage;
import software.amazon.awscdk.services.apigateway.UsagePlanProps;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * Herald's public REST API.
 *
 * <p>{@code POST /events}: apps that cannot use the AWS SDK publish one domain event over HTTPS, each publisher with
 * its own credentials: an API key bound to its own throttled usage plan (context {@code publishers}), or IAM
 * ({@code ingestAuth=iam}). API Gateway validates the body and calls EventBridge {@code PutEvents} itself, so no Lambda
 * runs (or costs) per event. The body is an EventBridge entry in envelope spelling:
 * {@code {"source": "...", "detail-type": "...", "detail": {...}}}. Management events (profiles, topics, devices) are
 * refused here: anyone holding a key could claim any source, so they come through {@code PutEvents} with IAM, whose
 * {@code events:source} condition binds a source to its publisher.
 *
 * <p>{@code /unsubscribe}: the one-click unsubscribe link (RFC 8058) of every email, a Lambda proxy integration of
 * the unsubscribe function without an API key (mail clients POST to it unauthenticated); its URL becomes the email
 * channel's {@code HERALD_UNSUBSCRIBE_URL} unless the {@code unsubscribeUrl} context key overrides it.
 */
public final class HeraldIngestApi extends Construct {

    public static final String PATH = "events";
    public static final String UNSUBSCRIBE_PATH = "unsubscribe";

    /** Usage plan limits of a publisher whose entry names none: steady 100 events/s with bursts of 200. */
    static final int RATE_LIMIT = HeraldContext.DEFAULT_RATE_LIMIT;
    static final int BURST_LIMIT = HeraldContext.DEFAULT_BURST_LIMIT;
    /** Unsubscribe links are clicked one at a time; a tighter limit caps what a flood of made-up links can cost. */
    static final int UNSUBSCRIBE_RATE_LIMIT = 50;
    static final int UNSUBSCRIBE_BURST_LIMIT = 100;

    private final RestApi api;
    private final Map<String, IApiKey> apiKeys = new LinkedHashMap<>();
    private final Map<String, UsagePlan> usagePlans = new LinkedHashMap<>();
    private final Resource events;

    public HeraldIngestApi(Construct scope, String id, HeraldContext context, IEventBus bus, HeraldFunctions functions,
                           FunctionEnvironment environment, IDependable apiGatewayAccount) {
        super(scope, id);
        boolean iam = context.ingestAuth() == HeraldContext.IngestAuth.IAM;
        // The stage's limit is the sum of the publishers' plans, so that one publisher at its limit leaves the others theirs.
        int stageRate = iam ? RATE_LIMIT : context.publishers().stream().mapToInt(HeraldContext.Publisher::rateLimit).sum();
        int stageBurst = iam ? BURST_LIMIT : context.publishers().stream().mapToInt(HeraldContext.Publisher::burstLimit).sum();
        LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(HeraldFunctions.retention(context.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        RestApi.Builder builder = RestApi.Builder.create(this, "Api")
                .restApiName("herald-" + context.envName() + "-ingest")
                .description("Herald: publish domain events over HTTPS")
                .endpointTypes(List.of(EndpointType.REGIONAL))
                // The account-wide CloudWatch role is created once by the stack, for both APIs.
                .cloudWatchRole(false)
                .deployOptions(StageOptions.builder()
                        .stageName(context.envName())
                        .tracingEnabled(true)
                        .metricsEnabled(true)
                        .loggingLevel(MethodLoggingLevel.ERROR)
                        // Never log request bodies: events carry personal data.
                        .dataTraceEnabled(false)
                        .throttlingRateLimit(stageRate)
                        .throttlingBurstLimit(stageBurst)
                        .accessLogDestination(new LogGroupLogDestination(accessLogs))
                        .accessLogFormat(AccessLogFormat.jsonWithStandardFields())
                        .methodOptions(Map.of("/" + UNSUBSCRIBE_PATH + "/*", MethodDeploymentOptions.builder()
                                .throttlingRateLimit(UNSUBSCRIBE_RATE_LIMIT)
                                .throttlingBurstLimit(UNSUBSCRIBE_BURST_LIMIT)
                                .metricsEnabled(true)
                                .loggingLevel(MethodLoggingLevel.ERROR)
                                .dataTraceEnabled(false)
                                .build()))
                        .build());
        if (!context.corsOrigins().isEmpty()) {
            builder.defaultCorsPreflightOptions(CorsOptions.builder()
                    .allowOrigins(context.corsOrigins())
                    .allowMethods(List.of("POST", "OPTIONS"))
                    .allowHeaders(iam ? List.of("Content-Type", "Authorization", "X-Amz-Date", "X-Amz-Security-Token")
                            : List.of("Content-Type", "X-Api-Key"))
                    .build());
        }
        api = builder.build();
        // API Gateway's own errors (403 without a key, 429 throttled, 400 invalid body) reach browsers only with CORS
        // headers. They carry no data, so the caller's origin is echoed when several origins are allowed.
        if (!context.corsOrigins().isEmpty()) {
            String origin = context.corsOrigins().size() == 1 ? "'" + context.corsOrigins().getFirst() + "'" : "method.request.header.origin";
            for (ResponseType type : List.of(ResponseType.DEFAULT_4_XX, ResponseType.DEFAULT_5_XX)) {
                api.addGatewayResponse(type == ResponseType.DEFAULT_4_XX ? "Cors4xx" : "Cors5xx", GatewayResponseOptions.builder()
                        .type(type)
                        .responseHeaders(Map.of("Access-Control-Allow-Origin", origin))
                        .build());
            }
        }
        api.getDeploymentStage().getNode().addDependency(apiGatewayAccount);

        Role integrationRole = Role.Builder.create(this, "PutEventsRole")
                .assumedBy(new ServicePrincipal("apigateway.amazonaws.com"))
                .description("Herald ingest API: PutEvents to the herald bus, nothing else")
                .build();
        bus.grantPutEventsTo(integrationRole);

        Model eventModel = api.addModel("Event", ModelOptions.builder()
                .contentType("application/json")
                .modelName("HeraldEvent")
                .schema(eventSchema())
                .build());

        AwsIntegration putEvents = AwsIntegration.Builder.create()
                .service("events")
                .action("PutEvents")
                .integrationHttpMethod("POST")
                .options(IntegrationOptions.builder()
                        .credentialsRole(integrationRole)
                        .passthroughBehavior(PassthroughBehavior.NEVER)
                        .requestParameters(Map.of(
                                "integration.request.header.X-Amz-Target", "'AWSEvents.PutEvents'",
                                "integration.request.header.Content-Type", "'application/x-amz-json-1.1'"))
                        .requestTemplates(Map.of("application/json", requestTemplate(bus.getEventBusName())))
                        .integrationResponses(List.of(
                                IntegrationResponse.builder().statusCode("200")
                                        .responseTemplates(Map.of("application/json", responseTemplate(context.corsOrigins()))).build(),
                                IntegrationResponse.builder().statusCode("400").selectionPattern("4\\d{2}")
                                        .responseTemplates(Map.of("application/json", "{\"error\":\"EventBridge refused the request\"}")).build(),
                                IntegrationResponse.builder().statusCode("502").selectionPattern("5\\d{2}")
                                        .responseTemplates(Map.of("application/json", "{\"error\":\"EventBridge is unavailable; retry with backoff\"}")).build()))
                        .build())
                .build();

        events = api.getRoot().addResource(PATH);
        events.addMethod("POST", putEvents, MethodOptions.builder()
                .apiKeyRequired(!iam)
                .authorizationType(iam ? AuthorizationType.IAM : AuthorizationType.NONE)
                .requestModels(Map.of("application/json", eventModel))
                .requestValidatorOptions(RequestValidatorOptions.builder().validateRequestBody(true).validateRequestParameters(true).build())
                .methodResponses(List.of(
                        MethodResponse.builder().statusCode("200").build(),
                        MethodResponse.builder().statusCode("400").build(),
                        MethodResponse.builder().statusCode("502").build(),
                        MethodResponse.builder().statusCode("503").build()))
                .build());

        if (!iam) {
            for (HeraldContext.Publisher publisher : context.publishers()) {
                publisherKey(context.envName(), publisher);
            }
        }

        Resource unsubscribe = api.getRoot().addResource(UNSUBSCRIBE_PATH);
        // Every method, so that the handler answers all but GET and POST with its own 405 (API Gateway would say 403).
        unsubscribe.addMethod("ANY", new LambdaIntegration(functions.alias(HeraldFunction.UNSUBSCRIBE),
                LambdaIntegrationOptions.builder().proxy(true).allowTestInvoke(false).build()), MethodOptions.builder()
                .apiKeyRequired(false)
                .build());
        environment.put(HeraldEnv.UNSUBSCRIBE_URL, context.unsubscribeUrl().orElseGet(this::unsubscribeUrl));

        NagSuppressions.addResourceSuppressions(api, List.of(
                NagPackSuppression.builder().id("AwsSolutions-APIG4")
                        .reason("POST /events is authorized by IAM, or by a required API key per publisher, each with its own "
                                + "throttled usage plan; its callers are server-side applications, which hold the key. OPTIONS is the "
                                + "unauthenticated CORS preflight. "
                                + "/unsubscribe is public by design: RFC 8058 mail clients POST the List-Unsubscribe link without "
                                + "credentials. The link is a capability (a random notification id only the email's recipient knows), "
                                + "the handler acts only on a delivery it finds, and the method is throttled on its own.")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-COG4")
                        .reason("Publishers are applications, not Cognito users; they authenticate with IAM or their API key. Unsubscribe links "
                                + "are followed by mail clients and email recipients, who have no Cognito identity.")
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-APIG3")
                        .reason("WAF is an account-level choice (its cost is fixed per web ACL); the usage plan throttles per key and the "
                                + "stage throttles overall. Attach a regional web ACL to the stage where policy requires one.")
                        .build()), true);
    }

    /**
     * One publisher's API key and usage plan. The {@code default} publisher keeps the ids and names of the single key
     * earlier versions had, so that upgrading does not replace (and change) that key.
     */
    private void publisherKey(String envName, HeraldContext.Publisher publisher) {
        boolean original = publisher.name().equals(HeraldContext.DEFAULT_PUBLISHER);
        String suffix = original ? "" : "-" + publisher.name();
        IApiKey key = api.addApiKey(original ? "ApiKey" : "ApiKey-" + publisher.name(), ApiKeyOptions.builder()
                .apiKeyName("herald-" + envName + "-ingest" + suffix)
                .description("Herald ingest API key of publisher " + publisher.name()
                        + "; read it with: aws apigateway get-api-key --api-key ID --include-value")
                .build());
        UsagePlan plan = api.addUsagePlan(original ? "UsagePlan" : "UsagePlan-" + publisher.name(), UsagePlanProps.builder()
                .name("herald-" + envName + "-ingest" + suffix)
                .description("Herald ingest publisher " + publisher.name() + ": " + publisher.rateLimit() + " events/s, bursts of "
                        + publisher.burstLimit())
                .throttle(ThrottleSettings.builder().rateLimit(publisher.rateLimit()).burstLimit(publisher.burstLimit()).build())
                .apiStages(List.of(UsagePlanPerApiStage.builder().api(api).stage(api.getDeploymentStage()).build()))
                .build());
        plan.addApiKey(key);
        apiKeys.put(publisher.name(), key);
        usagePlans.put(publisher.name(), plan);
    }

    /** Detail-types only management events have; the ingest API refuses them. */
    static List<String> managementDetailTypes() {
        Set<String> types = new LinkedHashSet<>(ManagementEvents.RECIPIENT_EVENTS);
        types.addAll(ManagementEvents.DEVICE_EVENTS);
        return List.copyOf(types);
    }

    /**
     * The body API Gateway accepts: one event, never with Herald's own source (Herald's events cannot be forged) and
     * never a management event (its source could not be trusted).
     */
    private static JsonSchema eventSchema() {
        return JsonSchema.builder()
                .schema(JsonSchemaVersion.DRAFT4)
                .title("HeraldEvent")
                .type(JsonSchemaType.OBJECT)
                .required(List.of("source", "detail-type", "detail"))
                .additionalProperties(false)
                .properties(Map.of(
                        "source", JsonSchema.builder().type(JsonSchemaType.STRING).minLength(1).maxLength(256)
                                .not(JsonSchema.builder().enumValue(List.of(EventEnvelope.HERALD_SOURCE)).build()).build(),
                        "detail-type", JsonSchema.builder().type(JsonSchemaType.STRING).minLength(1).maxLength(128)
                                .not(JsonSchema.builder().enumValue(managementDetailTypes()).build()).build(),
                        "detail", JsonSchema.builder().type(JsonSchemaType.OBJECT).build()))
                .build();
    }

    /**
     * VTL from the validated body to PutEvents' JSON. {@code escapeJavaScript} also escapes single quotes, which JSON
     * does not allow, so they are put back.
     */
    static String requestTemplate(String busName) {
        return """
                {"Entries": [{
                  "EventBusName": "%s",
                  "Source": "$util.escapeJavaScript($input.path('$.source')).replaceAll("\\\\'", "'")",
                  "DetailType": "$util.escapeJavaScript($input.path("$['detail-type']")).replaceAll("\\\\'", "'")",
                  "Detail": "$util.escapeJavaScript($input.json('$.detail')).replaceAll("\\\\'", "'")"
                }]}""".formatted(busName);
    }

    /**
     * PutEvents answers 200 even when it refused the entry, so a failed entry becomes a 503 (retry); an accepted
     * one returns its event id. The browser origin is echoed when it is one of the allowed origins.
     */
    static String responseTemplate(List<String> corsOrigins) {
        StringBuilder vtl = new StringBuilder();
        if (!corsOrigins.isEmpty()) {
            List<String> quoted = new ArrayList<>();
            corsOrigins.forEach(o -> quoted.add("\"" + o + "\""));
            vtl.append("#set($allowed = [").append(String.join(", ", quoted)).append("])\n")
                    .append("#set($origin = $input.params('Origin'))\n")
                    .append(corsOrigins.contains("*")
                            ? "#set($context.responseOverride.header.Access-Control-Allow-Origin = \"*\")\n"
                            : "#if($allowed.contains($origin))#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)#end\n");
        }
        vtl.append("""
                #set($failed = $input.path('$.FailedEntryCount'))
                #if($failed > 0)
                #set($context.responseOverride.status = 503)
                {"error": "$util.escapeJavaScript($input.path('$.Entries[0].ErrorCode'))", "message": "EventBridge did not accept the event; retry with backoff"}
                #else
                {"eventId": "$input.path('$.Entries[0].EventId')"}
                #end""");
        return vtl.toString();
    }

    public RestApi api() {
        return api;
    }

    /** Each publisher's API key, by publisher; none with IAM authorization. */
    public Map<String, IApiKey> apiKeys() {
        return Collections.unmodifiableMap(apiKeys);
    }

    /** Each publisher's usage plan, by publisher; none with IAM authorization. */
    public Map<String, UsagePlan> usagePlans() {
        return Collections.unmodifiableMap(usagePlans);
    }

    /** The ARN publishers are allowed {@code execute-api:Invoke} on, with IAM authorization. */
    public String invokeArn() {
        return api.arnForExecuteApi("POST", "/" + PATH, api.getDeploymentStage().getStageName());
    }

    /** The URL apps POST to. */
    public String url() {
        return api.urlForPath("/" + PATH);
    }

    /** The URL of the stack's own unsubscribe endpoint (the email channel's default HERALD_UNSUBSCRIBE_URL). */
    public String unsubscribeUrl() {
        return api.urlForPath("/" + UNSUBSCRIBE_PATH);
    }
}
