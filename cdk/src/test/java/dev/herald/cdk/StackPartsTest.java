package dev.herald.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of the stack: no synthesis needed. */
class StackPartsTest {

    private static HeraldContext context(String sender) {
        return new HeraldContext("test", sender, "https://i.example", "web", "https://i.example/jwks.json", Optional.empty(), Optional.empty(),
                Optional.empty(), 30, List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(new HeraldContext.Publisher("default", 100, 200)), HeraldContext.IngestAuth.API_KEY, List.of(), false,
                QueuedDelivery.DEFAULTS, false);
    }

    private static Catalog catalogSendingFrom(String from) {
        return CatalogLoader.parse("test-catalog.yaml", """
                defaults:
                  email: { from: "%s" }
                types:
                  user.signup:
                    recipients: { userId: detail.userId }
                    category: account
                    channels: [email]
                """.formatted(from));
    }

    @Test
    void matchedEventTemplate_withTheWholeEventSubstituted_isTheMatchedEventContract() {
        // given
        String template = MatchedEventInput.template("booking.created");
        String event = "{\"id\":\"e-1\",\"source\":\"demo.app\",\"detail-type\":\"booking.created\",\"time\":\"2026-11-23T10:00:00Z\",\"detail\":{\"a\":1}}";

        // when
        MatchedEvent matched = Json.read(template.replace(MatchedEventInput.WHOLE_EVENT, event), MatchedEvent.class);

        // then
        assertThat(template).isEqualTo("{\"type\":\"booking.created\",\"event\":<aws.events.event.json>}");
        assertThat(matched.type()).isEqualTo("booking.created");
        assertThat(matched.event().detail().path("a").asInt()).isEqualTo(1);
    }

    @Test
    void checkSenders_whenEveryTypeSendsFromTheIdentity_passes() {
        HeraldMessaging.checkSenders(catalogSendingFrom("Herald <notifications@herald.example>"), context("notifications@herald.example"));
        HeraldMessaging.checkSenders(catalogSendingFrom("news@herald.example"), context("herald.example"));
    }

    @Test
    void checkSenders_whenATypeSendsFromElsewhere_refusesTheSynthNamingTheType() {
        assertThatThrownBy(() -> HeraldMessaging.checkSenders(catalogSendingFrom("Herald <news@other.example>"), context("herald.example")))
                .hasMessageContaining("type 'user.signup' sends from news@other.example")
                .hasMessageContaining("senderAddress=herald.example");
        assertThatThrownBy(() -> HeraldMessaging.checkSenders(catalogSendingFrom("news@herald.example"), context("notifications@herald.example")))
                .hasMessageContaining("user.signup");
    }

    @Test
    void endpointsOf_scopesPublishingToOneApplicationsEndpoints() {
        assertThat(HeraldMessaging.endpointsOf("arn:aws:sns:eu-west-1:123456789012:app/GCM/herald-android"))
                .isEqualTo("arn:aws:sns:eu-west-1:123456789012:endpoint/GCM/herald-android/*");
    }

    @Test
    void jar_whenNotBuilt_saysWhatToRun(@TempDir Path root) {
        assertThatThrownBy(() -> LambdaModule.PUSH.jar(root, Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mvn package -DskipTests")
                .hasMessageContaining("channels/push/target/herald-channel-push-");
    }

    @Test
    void deployedCatalog_whenTheSourceChangedAfterTheJarWasBuilt_refusesTheSynth(@TempDir Path root) throws IOException {
        // given: a jar with one catalog, and a different catalog.yaml beside it
        Path target = Files.createDirectories(root.resolve("enrichment/target"));
        Path jar = target.resolve(LambdaModule.ENRICHMENT.jarName());
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new java.util.zip.ZipEntry(DeployedCatalog.ENTRY));
            zip.write("types: {}\n".getBytes());
            zip.closeEntry();
        }
        Files.createDirectories(root.resolve("templates"));
        Files.writeString(root.resolve("templates/catalog.yaml"), "types: {changed: {}}\n");

        // then
        assertThatThrownBy(() -> DeployedCatalog.load(root, Optional.empty()))
                .hasMessageContaining("differs from the catalog packaged in")
                .hasMessageContaining("mvn package");
    }

    @Test
    void managementPattern_withSources_acceptsExactlyThose_andWithoutAnyIsTheCoresPattern() {
        assertThat(Json.read(HeraldEvents.managementPattern(List.of("Device Registered"), List.of("accounts.example", "crm.example")),
                com.fasterxml.jackson.databind.JsonNode.class)).isEqualTo(Json.read(
                "{\"source\":[\"accounts.example\",\"crm.example\"],\"detail-type\":[\"Device Registered\"]}",
                com.fasterxml.jackson.databind.JsonNode.class));
        assertThat(HeraldEvents.managementPattern(List.of("Device Registered"), List.of()))
                .isEqualTo(dev.herald.recipient.ManagementEvents.rulePattern(List.of("Device Registered")));
    }

    @Test
    void render_writesReferencesAndJoinsAsCdkNagDoes() {
        // given
        Map<String, Object> index = Map.of("Fn::Join", List.of("", List.of(Map.of("Fn::GetAtt", List.of("StorageDeliveries1", "Arn")), "/index/*")));
        Map<String, Object> connections = Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), ":execute-api:",
                Map.of("Ref", "WebSocketApi1"), "/prod/*/@connections/*")));

        // then
        assertThat(RoleWildcards.render(index)).isEqualTo("<StorageDeliveries1.Arn>/index/*");
        assertThat(RoleWildcards.render(connections)).isEqualTo("arn:<AWS::Partition>:execute-api:<WebSocketApi1>/prod/*/@connections/*");
        assertThat(RoleWildcards.render("*")).isEqualTo("*");
    }

    @Test
    void apiKeyOutputId_isThePublishersNameInCamelCase() {
        assertThat(HeraldStack.apiKeyOutputId("billing-app")).isEqualTo("IngestApiKeyIdBillingApp");
        assertThat(HeraldStack.apiKeyOutputId("default")).isEqualTo("IngestApiKeyIdDefault");
    }

    @Test
    void refusedAlarm_watchesTheServiceEnrichmentEmitsItsRefusalsAs() {
        assertThat(HeraldOperations.REFUSED_SERVICE).isEqualTo(dev.herald.enrichment.EnrichmentHandler.SERVICE);
    }

    @Test
    void serviceName_isTheFunctionsNameInKebabCase() {
        assertThat(HeraldFunctions.serviceName(HeraldFunction.WEBSOCKET_CHANNEL)).isEqualTo("herald-websocket-channel");
    }
}
