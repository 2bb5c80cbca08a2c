package dev.herald.channel.websocket.preferences;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.herald.catalog.CatalogLoader;
import dev.herald.recipient.RecipientRepository;
import dev.herald.recipient.preferences.PreferenceCentre;
import dev.herald.recipient.preferences.PreferencesChangedMarks;
import dev.herald.store.HeraldTables;
import dev.herald.testing.LocalDynamo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The browser scripts through the preferences handler, as API Gateway passes their public (unauthorized) routes. */
class BrowserScriptsTest {

    private PreferencesApiHandler handler;

    @BeforeEach
    void setUp() {
        HeraldTables.Names tables = LocalDynamo.freshTables();
        handler = new PreferencesApiHandler(new PreferenceCentre(CatalogLoader.load(Path.of("../../templates/catalog.yaml")),
                new RecipientRepository(LocalDynamo.client(), tables.recipients(), Clock.systemUTC()),
                new PreferencesChangedMarks(tables.deliveries()), Clock.systemUTC()), null);
    }

    @Test
    void get_eachScript_withoutAToken_isTheFileInClient_cachedAnHour() throws IOException {
        for (String name : new String[] {"herald-client.js", "herald-inbox.js"}) {
            // given
            APIGatewayV2HTTPEvent event = scriptRequest("GET", "/" + name, Map.of());

            // when
            APIGatewayV2HTTPResponse response = handler.handle(event);

            // then
            assertThat(response.getStatusCode()).as(name).isEqualTo(200);
            assertThat(response.getIsBase64Encoded()).isFalse();
            assertThat(response.getBody().getBytes(StandardCharsets.UTF_8)).as(name).isEqualTo(Files.readAllBytes(Path.of("client", name)));
            assertThat(response.getHeaders()).containsEntry("Content-Type", "text/javascript; charset=utf-8")
                    .containsEntry("Cache-Control", "public, max-age=3600");
            assertThat(response.getHeaders().get("ETag")).matches("\"[0-9a-f]{32}\"");
        }
    }

    @Test
    void get_withTheScriptsETag_is304WithoutABody() {
        // given
        String etag = handler.handle(scriptRequest("GET", "/herald-inbox.js", Map.of())).getHeaders().get("ETag");

        // when: as browsers send it (payload 2.0 lower-cases header names), and among other tags
        APIGatewayV2HTTPResponse same = handler.handle(scriptRequest("GET", "/herald-inbox.js", Map.of("if-none-match", etag)));
        APIGatewayV2HTTPResponse listed = handler.handle(scriptRequest("GET", "/herald-inbox.js",
                Map.of("If-None-Match", "\"old\", W/" + etag)));

        // then
        assertThat(same.getStatusCode()).isEqualTo(304);
        assertThat(same.getBody()).isNull();
        assertThat(same.getHeaders()).containsEntry("ETag", etag).containsEntry("Cache-Control", "public, max-age=3600");
        assertThat(listed.getStatusCode()).isEqualTo(304);
    }

    @Test
    void get_withAnotherScriptsETag_isTheScript() {
        // given: the client's tag sent for the inbox, as after a deployment changed the file
        String clientTag = handler.handle(scriptRequest("GET", "/herald-client.js", Map.of())).getHeaders().get("ETag");

        // when
        APIGatewayV2HTTPResponse response = handler.handle(scriptRequest("GET", "/herald-inbox.js", Map.of("if-none-match", clientTag)));

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders().get("ETag")).isNotEqualTo(clientTag);
    }

    @Test
    void put_aScript_is405() {
        // when
        APIGatewayV2HTTPResponse response = handler.handle(scriptRequest("PUT", "/herald-client.js", Map.of()));

        // then
        assertThat(response.getStatusCode()).isEqualTo(405);
        assertThat(response.getHeaders()).containsEntry("Allow", "GET");
    }

    @Test
    void get_anotherPathWithoutAToken_isStill401() {
        // given: no authorizer in front, as on the scripts' routes
        APIGatewayV2HTTPEvent event = scriptRequest("GET", "/herald-other.js", Map.of());

        // when
        APIGatewayV2HTTPResponse response = handler.handle(event);

        // then
        assertThat(response.getStatusCode()).isEqualTo(401);
    }

    @Test
    void get_preferences_withAToken_isStillThePreferences() {
        // given
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/preferences-put.json");
        event.getRequestContext().getHttp().setMethod("GET");
        event.setBody(null);

        // when
        APIGatewayV2HTTPResponse response = handler.handle(event);

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json").containsEntry("Cache-Control", "no-store");
    }

    /** A request on a route without an authorizer: no {@code requestContext.authorizer}. */
    private static APIGatewayV2HTTPEvent scriptRequest(String method, String path, Map<String, String> headers) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/preferences-put.json");
        event.getRequestContext().setAuthorizer(null);
        event.getRequestContext().getHttp().setMethod(method);
        event.getRequestContext().getHttp().setPath(path);
        event.getRequestContext().setRouteKey(method + " " + path);
        event.setRawPath(path);
        event.setBody(null);
        event.setHeaders(new HashMap<>(headers));
        return event;
    }
}
