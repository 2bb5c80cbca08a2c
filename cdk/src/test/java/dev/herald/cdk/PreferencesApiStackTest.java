package dev.herald.cdk;

import static dev.herald.cdk.SynthesizedHerald.actions;
import static dev.herald.cdk.SynthesizedHerald.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.channel.websocket.preferences.PreferencesApiHandler;
import dev.herald.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * The preferences HTTP API as deployed: GET and PUT /preferences behind a JWT authorizer with the WebSocket's issuer
 * and audience, a Lambda integration to the preferences function, a throttled and access-logged stage, CORS for the
 * configured origins, least-privilege grants, and its URL as an output; and the browser scripts, public, from the same
 * function.
 */
class PreferencesApiStackTest {

    private static SynthesizedHerald herald;

    @BeforeAll
    static void synthesizeOnce() {
        herald = SynthesizedHerald.get();
    }

    @Test
    void routes_getAndPutPreferences_behindTheJwtAuthorizer_only() {
        // then
        assertThat(HeraldPreferencesApi.PATH).isEqualTo(PreferencesApiHandler.PATH);
        Map<String, Map<String, Object>> routes = herald.resources("AWS::ApiGatewayV2::Route");
        Set<String> preferenceRoutes = routes.values().stream().map(SynthesizedHerald::properties)
                .map(r -> (String) r.get("RouteKey")).filter(k -> k.endsWith(" /preferences")).collect(Collectors.toSet());
        assertThat(preferenceRoutes).containsExactlyInAnyOrder("GET /preferences", "PUT /preferences");
        routes.values().stream().map(SynthesizedHerald::properties).filter(r -> ((String) r.get("RouteKey")).endsWith(" /preferences"))
                .forEach(r -> assertThat(r.get("AuthorizationType")).isEqualTo("JWT"));
        assertThat(herald.resources("AWS::ApiGatewayV2::Authorizer").values().stream().map(SynthesizedHerald::properties)
                .filter(a -> "JWT".equals(a.get("AuthorizerType"))).toList()).singleElement().satisfies(a -> {
                    assertThat(a.get("IdentitySource")).isEqualTo(List.of("$request.header.Authorization"));
                    assertThat(a.get("JwtConfiguration")).isEqualTo(Map.of("Issuer", "https://issuer.herald.example",
                            "Audience", List.of("herald-web")));
                });
        herald.template.hasResourceProperties("AWS::ApiGatewayV2::Integration", Map.of("IntegrationType", "AWS_PROXY",
                "PayloadFormatVersion", "2.0"));
    }

    @Test
    void routes_browserScripts_areGetOnly_withoutAnAuthorizer_toThePreferencesIntegration() {
        // given
        assertThat(HeraldPreferencesApi.SCRIPT_PATHS).isEqualTo(PreferencesApiHandler.SCRIPT_PATHS);
        List<Map<String, Object>> routes = herald.resources("AWS::ApiGatewayV2::Route").values().stream()
                .map(SynthesizedHerald::properties).toList();
        Map<String, Object> preferencesRoute = routes.stream().filter(r -> "GET /preferences".equals(r.get("RouteKey"))).findFirst()
                .orElseThrow();

        // then
        List<Map<String, Object>> scriptRoutes = routes.stream().filter(r -> ((String) r.get("RouteKey")).endsWith(".js")).toList();
        assertThat(scriptRoutes).extracting(r -> r.get("RouteKey"))
                .containsExactlyInAnyOrder("GET /herald-client.js", "GET /herald-inbox.js");
        scriptRoutes.forEach(r -> {
            assertThat(r.get("AuthorizationType")).isEqualTo("NONE");
            assertThat(r).doesNotContainKey("AuthorizerId");
            assertThat(r.get("Target")).isEqualTo(preferencesRoute.get("Target"));
        });
        assertThat(preferencesRoute.get("AuthorizationType")).isEqualTo("JWT");
        assertThat(preferencesRoute).containsKey("AuthorizerId");
        assertThat(Json.write(herald.template.findOutputs("InboxScriptUrl"))).contains("execute-api", "herald-inbox.js");
    }

    @Test
    void api_allowsTheConfiguredOrigins_andItsStageIsThrottledAndLogged() {
        // then
        herald.template.hasResourceProperties("AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "HTTP",
                "CorsConfiguration", Match.objectLike(Map.of("AllowOrigins", List.of(SynthesizedHerald.ORIGIN),
                        "AllowMethods", List.of("GET", "PUT"), "AllowHeaders", List.of("Authorization", "Content-Type")))));
        herald.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", Map.of("StageName", "$default", "AutoDeploy", true,
                "DefaultRouteSettings", Map.of("ThrottlingRateLimit", HeraldPreferencesApi.RATE_LIMIT,
                        "ThrottlingBurstLimit", HeraldPreferencesApi.BURST_LIMIT),
                "AccessLogSettings", Match.objectLike(Map.of("Format", Match.stringLikeRegexp(".*authorizerError.*")))));
        herald.template.hasOutput("PreferencesUrl", Match.objectLike(Map.of()));
    }

    @Test
    void function_getsItsEnvironment_andExactlyTheGrantsItUses() {
        // given
        Map<String, Object> function = herald.function(HeraldFunction.PREFERENCES).getValue();
        List<Map<String, Object>> statements = herald.statementsOf(herald.roleOf(HeraldFunction.PREFERENCES));

        // then
        assertThat(Json.write(function.get("Environment"))).contains("HERALD_RECIPIENTS_TABLE", "HERALD_DELIVERIES_TABLE",
                "HERALD_CONNECTIONS_TABLE", "HERALD_WEBSOCKET_CALLBACK_URL", "HERALD_DUE_QUEUE_URL");
        Set<String> granted = statements.stream().flatMap(s -> actions(s).stream()).collect(Collectors.toSet());
        assertThat(granted).contains("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Query",
                "execute-api:ManageConnections", "sqs:SendMessage");
        assertThat(granted).doesNotContain("dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:DeleteTable", "events:PutEvents");
    }

    @Test
    void stack_isCdkNagClean() {
        assertThat(herald.annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        assertThat(herald.annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }

    @Test
    void function_isTheWebSocketJarsHandler() {
        assertThat(properties(herald.resources("AWS::Lambda::Function").get(herald.function(HeraldFunction.PREFERENCES).getKey())))
                .containsEntry("Handler", PreferencesApiHandler.class.getName() + "::handleRequest");
        assertThat(HeraldFunction.PREFERENCES.module()).isEqualTo(LambdaModule.WEBSOCKET);
    }
}
