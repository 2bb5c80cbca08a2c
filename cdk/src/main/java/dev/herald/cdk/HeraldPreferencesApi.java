package dev.herald.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CorsHttpMethod;
import software.amazon.awscdk.services.apigatewayv2.CorsPreflightOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpNoneAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * The preference centre's HTTP API: {@code GET} and {@code PUT /preferences}, behind an API Gateway HTTP API JWT
 * authorizer that checks the same tokens as the WebSocket's {@code $connect} (issuer {@code jwtIssuer}, audience
 * {@code jwtAudience}; API Gateway reads the issuer's keys from its OpenID discovery document), and a Lambda
 * integration (payload format 2.0) to {@link HeraldFunction#PREFERENCES}. A request without a valid
 * {@code Authorization: Bearer} token gets API Gateway's 401 before any Herald code runs; the handler reads the user
 * from the token's {@code sub} only. Throttled, access-logged, and open to the browser origins of {@code corsOrigins}.
 * The same function serves the browser scripts {@code GET /herald-client.js} and {@code GET /herald-inbox.js}, without
 * an authorizer: they are public and static, as a CDN would serve them.
 *
 * <p>An HTTP API's JWT authorizer needs an OpenID Connect issuer: HS256 tokens signed with a shared secret (herald
 * local's) cannot be checked by it. The stack requires the issuer settings anyway, for the WebSocket's authorizer.
 */
public final class HeraldPreferencesApi extends Construct {

    /** The handler's path (PATH: the Lambda modules are not on the stack's classpath; a test keeps them equal). */
    static final String PATH = "/preferences";
    /** The handler's SCRIPT_PATHS: the inbox loads the client from its own directory, so both sit at the root. */
    static final List<String> SCRIPT_PATHS = List.of("/herald-client.js", "/herald-inbox.js");
    /** Per-stage limits: a person changes preferences a few times a session; a runaway client stops here. */
    static final int RATE_LIMIT = 50;
    static final int BURST_LIMIT = 100;

    private final HttpApi api;
    private final HttpStage stage;

    public HeraldPreferencesApi(Construct scope, String id, HeraldContext context, HeraldFunctions functions, HeraldStorage storage,
                                HeraldWebSocketApi webSocket, IQueue dueQueue, IDependable apiGatewayAccount) {
        super(scope, id);
        HttpApi.Builder builder = HttpApi.Builder.create(this, "Api")
                .apiName("herald-preferences-" + context.envName())
                .description("Herald: recipients read and change their notification preferences")
                .createDefaultStage(false);
        if (!context.corsOrigins().isEmpty()) {
            builder.corsPreflight(CorsPreflightOptions.builder()
                    .allowOrigins(context.corsOrigins())
                    .allowMethods(List.of(CorsHttpMethod.GET, CorsHttpMethod.PUT))
                    .allowHeaders(List.of("Authorization", "Content-Type"))
                    .maxAge(Duration.hours(1))
                    .build());
        }
        api = builder.build();
        HttpJwtAuthorizer authorizer = HttpJwtAuthorizer.Builder.create("TokenAuthorizer", context.jwtIssuer())
                .jwtAudience(List.of(context.jwtAudience()))
                .identitySource(List.of("$request.header.Authorization"))
                .build();
        HttpLambdaIntegration integration = new HttpLambdaIntegration("PreferencesIntegration",
                functions.alias(HeraldFunction.PREFERENCES));
        api.addRoutes(AddRoutesOptions.builder()
                .path(PATH)
                .methods(List.of(HttpMethod.GET, HttpMethod.PUT))
                .integration(integration)
                .authorizer(authorizer)
                .build());
        for (String script : SCRIPT_PATHS) {
            List<HttpRoute> routes = api.addRoutes(AddRoutesOptions.builder()
                    .path(script)
                    .methods(List.of(HttpMethod.GET))
                    .integration(integration)
                    .authorizer(new HttpNoneAuthorizer())
                    .build());
            // suppressed on these routes only: /preferences keeps its authorizer, and cdk-nag keeps checking it
            routes.forEach(route -> NagSuppressions.addResourceSuppressions(route, List.of(NagPackSuppression.builder()
                    .id("AwsSolutions-APIG4")
                    .reason("GET " + script + " is a public, static browser script (the <herald-inbox> element and its client), "
                            + "loaded by a <script> tag that sends no token; it holds no user data, and the stage's throttle applies.")
                    .build()), true));
        }

        LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(HeraldFunctions.retention(context.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        LogGroupLogDestination destination = new LogGroupLogDestination(accessLogs);
        stage = HttpStage.Builder.create(this, "Stage")
                .httpApi(api)
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder().rateLimit(RATE_LIMIT).burstLimit(BURST_LIMIT).build())
                .accessLogSettings(new IAccessLogSettings() {
                    @Override
                    public IAccessLogDestination getDestination() {
                        return destination;
                    }

                    @Override
                    public AccessLogFormat getFormat() {
                        // ids and outcomes only: never a token, a body, or the user's preferences
                        return AccessLogFormat.custom("{\"requestId\":\"$context.requestId\",\"routeKey\":\"$context.routeKey\","
                                + "\"status\":\"$context.status\",\"requestTime\":\"$context.requestTime\","
                                + "\"error\":\"$context.error.message\",\"authorizerError\":\"$context.authorizer.error\","
                                + "\"integrationError\":\"$context.integrationErrorMessage\"}");
                    }
                })
                .build();
        // stage logging needs the account's API Gateway CloudWatch role in place first
        stage.getNode().addDependency(apiGatewayAccount);

        // Least privilege, as the handler uses them: the profile item read, the choices written in one transaction with
        // the mark that announces them (TransactWriteItems is authorized per item: UpdateItem here, PutItem there), an
        // undone one-click unsubscribe deleted with its copy updated; the user's connections looked up and posted to;
        // after a change of quiet hours, the recipient's deferred waits listed and their wake-ups sent to the due queue.
        var role = functions.role(HeraldFunction.PREFERENCES);
        Table recipients = storage.recipients();
        recipients.grant(role, "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem");
        storage.deliveries().grant(role, "dynamodb:PutItem", "dynamodb:Query");
        storage.connections().grant(role, "dynamodb:Query");
        webSocket.stage().grantManagementApiAccess(role);
        dueQueue.grantSendMessages(role);
    }

    public HttpApi api() {
        return api;
    }

    public HttpStage stage() {
        return stage;
    }

    /** Where browsers and apps send {@code GET} and {@code PUT}. */
    public String url() {
        return stage.getUrl() + PATH.substring(1);
    }

    /** Where pages load the {@code <herald-inbox>} element from; it loads {@code herald-client.js} beside it. */
    public String inboxScriptUrl() {
        return stage.getUrl() + "herald-inbox.js";
    }
}
