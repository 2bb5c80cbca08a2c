package dev.herald.channel.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.herald.channel.websocket.auth.TokenVerifier;
import dev.herald.channel.websocket.auth.Tokens;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizerHandlerTest {

    private static final String SECRET = "a-dev-secret-that-is-at-least-32-bytes-long";
    private static final String ARN = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/$connect";

    private final AuthorizerHandler handler = new AuthorizerHandler(TokenVerifier.hs256(SECRET, null, null, Clock.systemUTC()));

    @Test
    void authorize_validToken_allowsWithTheUserAsPrincipal() {
        // given
        APIGatewayCustomAuthorizerEvent event = event(Map.of("token", Tokens.issueDev(SECRET, "alice", Duration.ofMinutes(5))));

        // when
        IamPolicyResponseV1 policy = handler.handleRequest(event, null);

        // then
        assertThat(policy.getPrincipalId()).isEqualTo("alice");
        assertThat(policy.getContext()).containsEntry("userId", "alice");
        @SuppressWarnings("unchecked")
        var statements = (Object[]) policy.getPolicyDocument().get("Statement");
        @SuppressWarnings("unchecked")
        var statement = (Map<String, Object>) statements[0];
        assertThat(statement).containsEntry("Effect", "Allow").containsEntry("Action", "execute-api:Invoke");
        assertThat(statement.get("Resource")).isEqualTo(new String[] {ARN});
    }

    @Test
    void authorize_missingOrForgedToken_failsUnauthorized() {
        String forged = Tokens.issueDev("someone-elses-secret-of-32-bytes-or-more", "alice", Duration.ofMinutes(5));

        assertThatThrownBy(() -> handler.handleRequest(event(Map.of()), null)).hasMessage("Unauthorized");
        assertThatThrownBy(() -> handler.handleRequest(event(Map.of("token", forged)), null)).hasMessage("Unauthorized");
    }

    @Test
    void authorize_apiGatewaysRequestEvent_allows() {
        APIGatewayCustomAuthorizerEvent event = EventLoader.loadAPIGatewayCustomAuthorizerEvent("events/authorizer-request.json");
        event.setQueryStringParameters(Map.of("token", Tokens.issueDev(SECRET, "u-42", Duration.ofMinutes(5))));

        IamPolicyResponseV1 policy = handler.handleRequest(event, null);

        assertThat(policy.getPrincipalId()).isEqualTo("u-42");
        assertThat(event.getMethodArn()).isEqualTo("arn:aws:execute-api:us-east-1:123456789012:abc123/prod/$connect");
    }

    @Test
    void authorize_apiGatewaysRequestEvent_withStaleToken_failsUnauthorized() {
        APIGatewayCustomAuthorizerEvent event = EventLoader.loadAPIGatewayCustomAuthorizerEvent("events/authorizer-request.json");

        assertThatThrownBy(() -> handler.handleRequest(event, null)).hasMessage("Unauthorized");
    }

    private static APIGatewayCustomAuthorizerEvent event(Map<String, String> query) {
        APIGatewayCustomAuthorizerEvent event = new APIGatewayCustomAuthorizerEvent();
        event.setType("REQUEST");
        event.setMethodArn(ARN);
        event.setQueryStringParameters(query);
        event.setHeaders(Map.of());
        return event;
    }
}
