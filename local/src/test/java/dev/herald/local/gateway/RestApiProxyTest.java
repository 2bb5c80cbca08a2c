package dev.herald.local.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpReply;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RestApiProxyTest {

    @Test
    void handle_callOnItsPath_becomesTheProxyEventApiGatewaySends() {
        // given
        AtomicReference<APIGatewayProxyRequestEvent> seen = new AtomicReference<>();
        RestApiProxy proxy = new RestApiProxy("/unsubscribe", event -> {
            seen.set(event);
            return new APIGatewayProxyResponseEvent().withStatusCode(200).withHeaders(Map.of("Content-Type", "text/html", "X-Frame-Options", "DENY"))
                    .withBody("<p>ok</p>");
        });
        HttpCall call = new HttpCall("POST", "/unsubscribe", Map.of("n", List.of("a", "b"), "t", List.of("x")),
                Map.of("content-type", "application/x-www-form-urlencoded"), "List-Unsubscribe=One-Click".getBytes(StandardCharsets.UTF_8), false);

        // when
        HttpReply reply = proxy.handle(call).orElseThrow();

        // then
        APIGatewayProxyRequestEvent event = seen.get();
        assertThat(event.getHttpMethod()).isEqualTo("POST");
        assertThat(event.getQueryStringParameters()).isEqualTo(Map.of("n", "b", "t", "x"));
        assertThat(event.getMultiValueQueryStringParameters()).containsEntry("n", List.of("a", "b"));
        assertThat(event.getBody()).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(event.getRequestContext().getStage()).isEqualTo("local");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo("text/html");
        assertThat(reply.headers()).isEqualTo(Map.of("X-Frame-Options", "DENY"));
        assertThat(reply.bodyText()).isEqualTo("<p>ok</p>");
    }

    @Test
    void handle_otherPath_isLeftToTheOtherEndpoints() {
        // when / then
        assertThat(new RestApiProxy("/unsubscribe", e -> null).handle(new HttpCall("GET", "/", Map.of(), Map.of(), new byte[0], false))).isEmpty();
    }

    @Test
    void handle_noQueryAndNoBody_areNull_asApiGatewaySendsThem() {
        // given
        AtomicReference<APIGatewayProxyRequestEvent> seen = new AtomicReference<>();
        RestApiProxy proxy = new RestApiProxy("/p", event -> {
            seen.set(event);
            return new APIGatewayProxyResponseEvent().withStatusCode(204);
        });

        // when
        HttpReply reply = proxy.handle(new HttpCall("GET", "/p", Map.of(), Map.of(), new byte[0], false)).orElseThrow();

        // then
        assertThat(seen.get().getQueryStringParameters()).isNull();
        assertThat(seen.get().getBody()).isNull();
        assertThat(reply.status()).isEqualTo(204);
    }

    @Test
    void reply_base64Body_isDecoded_andAResponseWithoutStatusIs502() {
        // when
        HttpReply binary = RestApiProxy.reply(new APIGatewayProxyResponseEvent().withStatusCode(200).withIsBase64Encoded(true)
                .withBody(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})));
        HttpReply broken = RestApiProxy.reply(new APIGatewayProxyResponseEvent());

        // then
        assertThat(binary.body()).containsExactly(1, 2, 3);
        assertThat(broken.status()).isEqualTo(502);
    }
}
