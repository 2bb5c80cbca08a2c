package dev.herald.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ingest API's mapping templates, executed as API Gateway executes them ({@link ApiGatewayTemplates}): what
 * EventBridge receives for a body API Gateway validated, and what the caller receives for PutEvents' answer.
 */
class IngestMappingTemplatesTest {

    private static final String BUS = "herald-test";

    @Test
    void requestTemplate_withQuotesApostrophesSlashesAndUnicode_isPutEventsJsonCarryingTheEventUnchanged() {
        // given: what a publisher may legitimately send
        String body = """
                {"source": "shop.o'brien/eu", "detail-type": "order \\"placed\\"",
                 "detail": {"userId": "u-1", "note": "l'été \\\\ 50% \\n done </script>", "emoji": "🎉", "items": [1, 2.5, true, null]}}""";

        // when
        ApiGatewayTemplates.Rendered rendered = ApiGatewayTemplates.render(HeraldIngestApi.requestTemplate(BUS), body, Map.of());

        // then: valid JSON for EventBridge, with the detail as a JSON string equal to what was posted
        JsonNode entry = rendered.json().path("Entries").get(0);
        JsonNode posted = Json.read(body, JsonNode.class);
        assertThat(rendered.json().path("Entries")).hasSize(1);
        assertThat(entry.path("EventBusName").asText()).isEqualTo(BUS);
        assertThat(entry.path("Source").asText()).isEqualTo("shop.o'brien/eu");
        assertThat(entry.path("DetailType").asText()).isEqualTo("order \"placed\"");
        assertThat(Json.read(entry.path("Detail").asText(), JsonNode.class)).isEqualTo(posted.path("detail"));
    }

    @Test
    void escapeJavaScript_escapesApostrophes_whichJsonRefuses_soTheRequestTemplatePutsThemBack() {
        assertThat(new ApiGatewayTemplates.Util().escapeJavaScript("o'brien/é")).isEqualTo("o\\'brien\\/\\u00E9");
    }

    @Test
    void requestTemplate_withAnEmptyDetail_putsAnEmptyObject() {
        // when
        ApiGatewayTemplates.Rendered rendered = ApiGatewayTemplates.render(HeraldIngestApi.requestTemplate(BUS),
                "{\"source\": \"a\", \"detail-type\": \"b\", \"detail\": {}}", Map.of());

        // then
        assertThat(rendered.json().path("Entries").get(0).path("Detail").asText()).isEqualTo("{}");
    }

    @Test
    void responseTemplate_whenEventBridgeTookTheEntry_answersItsEventId() {
        // when
        ApiGatewayTemplates.Rendered rendered = ApiGatewayTemplates.render(HeraldIngestApi.responseTemplate(List.of()),
                "{\"FailedEntryCount\": 0, \"Entries\": [{\"EventId\": \"11710aed-b79e-4468-a20b-bb3c0c3b4860\"}]}", Map.of());

        // then
        assertThat(rendered.json()).isEqualTo(Json.read("{\"eventId\": \"11710aed-b79e-4468-a20b-bb3c0c3b4860\"}", JsonNode.class));
        assertThat(rendered.overriddenStatus()).isNull();
    }

    @Test
    void responseTemplate_whenEventBridgeRefusedTheEntry_answers503WithItsErrorCode() {
        // when: PutEvents answers 200 with a failed entry
        ApiGatewayTemplates.Rendered rendered = ApiGatewayTemplates.render(HeraldIngestApi.responseTemplate(List.of()),
                "{\"FailedEntryCount\": 1, \"Entries\": [{\"ErrorCode\": \"ThrottlingException\", \"ErrorMessage\": \"Rate exceeded\"}]}",
                Map.of());

        // then
        assertThat(rendered.overriddenStatus()).isEqualTo(503);
        assertThat(rendered.json().path("error").asText()).isEqualTo("ThrottlingException");
        assertThat(rendered.json().path("message").asText()).contains("retry");
    }

    @Test
    void responseTemplate_withCorsOrigins_echoesAnAllowedOrigin_andNoOther() {
        // given
        String template = HeraldIngestApi.responseTemplate(List.of("https://a.example", "https://b.example"));
        String accepted = "{\"FailedEntryCount\": 0, \"Entries\": [{\"EventId\": \"e-1\"}]}";

        // when
        ApiGatewayTemplates.Rendered allowed = ApiGatewayTemplates.render(template, accepted, Map.of("Origin", "https://b.example"));
        ApiGatewayTemplates.Rendered other = ApiGatewayTemplates.render(template, accepted, Map.of("Origin", "https://evil.example"));

        // then
        assertThat(allowed.headers()).isEqualTo(Map.of("Access-Control-Allow-Origin", "https://b.example"));
        assertThat(allowed.json().path("eventId").asText()).isEqualTo("e-1");
        assertThat(other.headers()).isEmpty();
        assertThat(other.json().path("eventId").asText()).isEqualTo("e-1");
    }

    @Test
    void responseTemplate_withAnyOrigin_answersStar() {
        // when
        ApiGatewayTemplates.Rendered rendered = ApiGatewayTemplates.render(HeraldIngestApi.responseTemplate(List.of("*")),
                "{\"FailedEntryCount\": 0, \"Entries\": [{\"EventId\": \"e-1\"}]}", Map.of("Origin", "https://any.example"));

        // then
        assertThat(rendered.headers()).isEqualTo(Map.of("Access-Control-Allow-Origin", "*"));
    }
}
