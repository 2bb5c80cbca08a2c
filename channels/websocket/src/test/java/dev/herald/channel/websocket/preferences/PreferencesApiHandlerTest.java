package dev.herald.channel.websocket.preferences;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.json.Json;
import dev.herald.recipient.RecipientRepository;
import dev.herald.recipient.preferences.PreferenceCentre;
import dev.herald.recipient.preferences.PreferencesChangedMarks;
import dev.herald.store.HeraldTables;
import dev.herald.testing.LocalDynamo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP API handler with API Gateway's payload 2.0 events, against DynamoDB Local. */
class PreferencesApiHandlerTest {

    private static final Catalog CATALOG = CatalogLoader.load(Path.of("../../templates/catalog.yaml"));

    private RecipientRepository recipients;
    private PreferencesApiHandler handler;

    @BeforeEach
    void setUp() {
        HeraldTables.Names tables = LocalDynamo.freshTables();
        recipients = new RecipientRepository(LocalDynamo.client(), tables.recipients(), Clock.systemUTC());
        handler = new PreferencesApiHandler(new PreferenceCentre(CATALOG, recipients, new PreferencesChangedMarks(tables.deliveries()),
                Clock.systemUTC()), null);
    }

    @Test
    void put_asTheTokensSubject_changesTheirPreferencesOnly_whateverTheQuerySays() {
        // given: a PUT whose query names another user
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/preferences-put.json");

        // when
        APIGatewayV2HTTPResponse response = handler.handle(event);

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
        JsonNode body = Json.parse(response.getBody());
        assertThat(body.path("recipientId").asText()).isEqualTo("user-42");
        assertThat(recipients.load("user-42").profile().orElseThrow().optedOut("bookings", Channel.EMAIL)).isTrue();
        assertThat(recipients.load("someone-else").profile()).isEmpty();
    }

    @Test
    void get_returnsThePreferences_withNullsWritten() {
        // given
        APIGatewayV2HTTPEvent event = withMethod(EventLoader.loadApiGatewayHttpEvent("events/preferences-put.json"), "GET", null);

        // when
        APIGatewayV2HTTPResponse response = handler.handle(event);

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = Json.parse(response.getBody());
        assertThat(body.has("locale")).isTrue();
        assertThat(body.path("locale").isNull()).isTrue();
        assertThat(body.path("digest").asText()).isEqualTo("default");
        assertThat(body.path("categories")).hasSize(5);
    }

    @Test
    void put_aBodyNamingAnotherUser_isRefused() {
        // given
        APIGatewayV2HTTPEvent event = withMethod(EventLoader.loadApiGatewayHttpEvent("events/preferences-put.json"), "PUT",
                "{\"recipientId\":\"someone-else\",\"digest\":\"daily\"}");

        // when
        APIGatewayV2HTTPResponse response = handler.handle(event);

        // then
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(Json.parse(response.getBody()).path("message").asText()).contains("unknown field 'recipientId'");
        assertThat(recipients.load("someone-else").profile()).isEmpty();
        assertThat(recipients.load("user-42").profile()).isEmpty();
    }

    @Test
    void put_errors_areMessagesWithTheirStatus() {
        APIGatewayV2HTTPEvent base = EventLoader.loadApiGatewayHttpEvent("events/preferences-put.json");
        assertStatus(withMethod(base, "PUT", "{\"categories\":{\"transactional\":{\"email\":false}}}"), 409, "critical and locked");
        assertStatus(withMethod(base, "PUT", "{\"digest\":"), 400, "the body is not JSON");
        assertStatus(withMethod(base, "PUT", null), 400, "needs a JSON body");
        assertStatus(withMethod(base, "PUT", "{\"digest\":\"" + "x".repeat(PreferencesApiHandler.MAX_BODY_BYTES) + "\"}"), 400, "larger than");
        assertStatus(withMethod(base, "DELETE", null), 405, "takes GET");
    }

    @Test
    void put_base64Body_isDecoded() {
        // given
        APIGatewayV2HTTPEvent event = withMethod(EventLoader.loadApiGatewayHttpEvent("events/preferences-put.json"), "PUT",
                Base64.getEncoder().encodeToString("{\"digest\":\"hourly\"}".getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        // when
        APIGatewayV2HTTPResponse response = handler.handle(event);

        // then
        assertThat(Json.parse(response.getBody()).path("digest").asText()).isEqualTo("hourly");
    }

    @Test
    void request_withoutASubject_is401() {
        // given: no JWT authorizer in front (a misconfigured route)
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("events/preferences-put.json");
        event.getRequestContext().getAuthorizer().getJwt().setClaims(Map.of("iss", "x"));

        // when
        APIGatewayV2HTTPResponse response = handler.handle(event);

        // then
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(Json.parse(response.getBody())).isEqualTo(Json.parse("{\"message\":\"Unauthorized\"}"));
    }

    private void assertStatus(APIGatewayV2HTTPEvent event, int status, String message) {
        APIGatewayV2HTTPResponse response = handler.handle(event);
        assertThat(response.getStatusCode()).as(message).isEqualTo(status);
        assertThat(Json.parse(response.getBody()).path("message").asText()).contains(message);
    }

    private static APIGatewayV2HTTPEvent withMethod(APIGatewayV2HTTPEvent event, String method, String body) {
        event.getRequestContext().getHttp().setMethod(method);
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return event;
    }
}
