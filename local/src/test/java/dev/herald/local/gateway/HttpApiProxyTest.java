package dev.herald.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.herald.channel.websocket.auth.TokenVerifier;
import dev.herald.channel.websocket.auth.Tokens;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpReply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpApiProxyTest {

    private static final String SECRET = "a-test-secret-of-at-least-thirty-two-bytes";

    private final AtomicReference<APIGatewayV2HTTPEvent> seen = new AtomicReference<>();
    private final HttpApiProxy proxy = new HttpApiProxy("/preferences", Set.of("GET", "PUT"),
            TokenVerifier.hs256(SECRET, null, null, Clock.systemUTC()), event -> {
                seen.set(event);
                return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withHeaders(Map.of("Content-Type", "application/json",
                        "Cache-Control", "no-store")).withBody("{\"ok\":true}").build();
            }, Clock.systemUTC());

    @Test
    void handle_aValidBearerToken_becomesThePayload2EventWithTheTokensClaims() {
        // given
        String token = Tokens.issueDev(SECRET, "user-1", Duration.ofMinutes(5));
        HttpCall call = new HttpCall("PUT", "/preferences", Map.of("user", List.of("a", "b")),
                Map.of("authorization", "Bearer " + token, "content-type", "application/json"), "{\"digest\":\"daily\"}".getBytes(StandardCharsets.UTF_8),
                false);

        // when
        HttpReply reply = proxy.handle(call).orElseThrow();

        // then
        APIGatewayV2HTTPEvent event = seen.get();
        assertThat(event.getVersion()).isEqualTo("2.0");
        assertThat(event.getRouteKey()).isEqualTo("PUT /preferences");
        assertThat(event.getRequestContext().getHttp().getMethod()).isEqualTo("PUT");
        assertThat(event.getRequestContext().getAuthorizer().getJwt().getClaims()).containsEntry("sub", "user-1").containsKey("exp");
        assertThat(event.getRequestContext().getStage()).isEqualTo("$default");
        assertThat(event.getQueryStringParameters()).isEqualTo(Map.of("user", "a,b"));
        assertThat(event.getRawQueryString()).isEqualTo("user=a&user=b");
        assertThat(event.getBody()).isEqualTo("{\"digest\":\"daily\"}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo("application/json");
        assertThat(reply.headers()).isEqualTo(Map.of("Cache-Control", "no-store"));
        assertThat(reply.bodyText()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void handle_noOrABadToken_is401_andTheHandlerNeverRuns() {
        // given
        String forged = Tokens.issueDev("another-secret-of-at-least-thirty-two-bytes", "user-1", Duration.ofMinutes(5));

        // when
        List<HttpReply> replies = List.of(
                proxy.handle(new HttpCall("GET", "/preferences", Map.of(), Map.of(), new byte[0], false)).orElseThrow(),
                proxy.handle(new HttpCall("GET", "/preferences", Map.of(), Map.of("authorization", "Bearer " + forged), new byte[0], false)).orElseThrow(),
                proxy.handle(new HttpCall("GET", "/preferences", Map.of("token", List.of(forged)), Map.of(), new byte[0], false)).orElseThrow());

        // then
        assertThat(replies).allSatisfy(reply -> {
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.bodyText()).isEqualTo("{\"message\":\"Unauthorized\"}");
        });
        assertThat(seen.get()).isNull();
    }

    @Test
    void handle_aMethodWithoutARoute_is404_andOtherPathsAreLeftAlone() {
        // when / then
        assertThat(proxy.handle(new HttpCall("DELETE", "/preferences", Map.of(), Map.of(), new byte[0], false)).orElseThrow().status())
                .isEqualTo(404);
        assertThat(proxy.handle(new HttpCall("GET", "/events", Map.of(), Map.of(), new byte[0], false))).isEmpty();
        assertThat(proxy.handle(new HttpCall("PUT", "/preferences", Map.of(), Map.of(), new byte[0], true)).orElseThrow().status())
                .isEqualTo(413);
    }
}
