package dev.herald.cdk;

import dev.herald.config.HeraldEnv;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.WebSocketLambdaAuthorizerProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.WebSocketLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.apigatewayv2.WebSocketApi;
import software.amazon.awscdk.services.apigatewayv2.WebSocketRouteOptions;
import software.amazon.awscdk.services.apigatewayv2.WebSocketStage;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;
import software.constructs.IDependable;

/**
 * The WebSocket API browsers connect to: {@code $connect} behind a Lambda REQUEST authorizer that reads the token
 * from the {@code token} query parameter (browsers cannot set headers on a WebSocket handshake), {@code $disconnect}
 * and {@code $default}. The stage's callback URL (the Management API endpoint) goes to the handlers that post to
 * connections.
 */
public final class HeraldWebSocketApi extends Construct {

    /** Where the authorizer finds the token: {@code wss://.../prod?token=JWT}. */
    public static final String TOKEN_SOURCE = "route.request.querystring.token";

    /** Per-stage limits: generous for browsers, but a runaway client cannot exhaust the account's API quota. */
    static final int RATE_LIMIT = 500;
    static final int BURST_LIMIT = 1000;

    private final WebSocketApi api;
    private final WebSocketStage stage;

    public HeraldWebSocketApi(Construct scope, String id, HeraldContext context, HeraldFunctions functions, FunctionEnvironment environment,
                              IDependable apiGatewayAccount) {
        super(scope, id);
        WebSocketLambdaAuthorizer authorizer = new WebSocketLambdaAuthorizer("TokenAuthorizer",
                functions.alias(HeraldFunction.WEBSOCKET_AUTHORIZER),
                WebSocketLambdaAuthorizerProps.builder().identitySource(List.of(TOKEN_SOURCE)).build());
        api = WebSocketApi.Builder.create(this, "Api")
                .apiName("herald-" + context.envName())
                .description("Herald notifications to browsers")
                .connectRouteOptions(WebSocketRouteOptions.builder()
                        .integration(new WebSocketLambdaIntegration("ConnectIntegration", functions.alias(HeraldFunction.WEBSOCKET_CONNECT)))
                        .authorizer(authorizer)
                        .build())
                .disconnectRouteOptions(WebSocketRouteOptions.builder()
                        .integration(new WebSocketLambdaIntegration("DisconnectIntegration", functions.alias(HeraldFunction.WEBSOCKET_DISCONNECT)))
                        .build())
                .defaultRouteOptions(WebSocketRouteOptions.builder()
                        .integration(new WebSocketLambdaIntegration("DefaultIntegration", functions.alias(HeraldFunction.WEBSOCKET_DEFAULT)))
                        // ack/read/sync answer on the same socket.
                        .returnResponse(true)
                        .build())
                .build();
        LogGroup accessLogs = LogGroup.Builder.create(this, "AccessLogs")
                .retention(HeraldFunctions.retention(context.logRetentionDays()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        LogGroupLogDestination destination = new LogGroupLogDestination(accessLogs);
        stage = WebSocketStage.Builder.create(this, "Stage")
                .webSocketApi(api)
                .stageName(context.envName())
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder().rateLimit(RATE_LIMIT).burstLimit(BURST_LIMIT).build())
                .accessLogSettings(new IAccessLogSettings() {
                    @Override
                    public IAccessLogDestination getDestination() {
                        return destination;
                    }

                    @Override
                    public AccessLogFormat getFormat() {
                        // Ids and outcomes only: never a token or a message body.
                        return AccessLogFormat.custom("{\"requestId\":\"$context.requestId\",\"connectionId\":\"$context.connectionId\","
                                + "\"routeKey\":\"$context.routeKey\",\"eventType\":\"$context.eventType\",\"status\":\"$context.status\","
                                + "\"requestTime\":\"$context.requestTime\",\"error\":\"$context.error.message\","
                                + "\"authorizerError\":\"$context.authorizer.error\",\"integrationError\":\"$context.integrationErrorMessage\"}");
                    }
                })
                .build();
        // Stage logging needs the account's API Gateway CloudWatch role in place first.
        stage.getNode().addDependency(apiGatewayAccount);

        environment.put(HeraldEnv.WEBSOCKET_CALLBACK_URL, stage.getCallbackUrl())
                .put(HeraldEnv.JWKS_URL, context.jwksUrl())
                .put(HeraldEnv.JWT_ISSUER, context.jwtIssuer())
                .put(HeraldEnv.JWT_AUDIENCE, context.jwtAudience());
        stage.grantManagementApiAccess(functions.role(HeraldFunction.WEBSOCKET_CHANNEL));
        // $default pushes each inbox or preferences change to the user's other connections
        stage.grantManagementApiAccess(functions.role(HeraldFunction.WEBSOCKET_DEFAULT));

        NagSuppressions.addResourceSuppressions(api, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-APIG4")
                .reason("Only $connect needs authorization: API Gateway authorizes the connection once, and $disconnect and "
                        + "$default run on that already authorized connection (WebSocket APIs accept authorizers on $connect only).")
                .build()), true);
    }

    public WebSocketApi api() {
        return api;
    }

    public WebSocketStage stage() {
        return stage;
    }
}
