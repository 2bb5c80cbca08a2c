package dev.herald.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;

class HeraldContextTest {

    private static HeraldContext read(Map<String, Object> context) {
        return HeraldContext.from(new Stack(App.Builder.create().context(context).build(), "S"));
    }

    private static Map<String, Object> minimal() {
        Map<String, Object> context = new HashMap<>();
        context.put("senderAddress", "notifications@herald.example");
        context.put("jwtIssuer", "https://issuer.example");
        context.put("jwtAudience", "web");
        context.put("jwksUrl", "https://issuer.example/jwks.json");
        return context;
    }

    @Test
    void from_withoutTheRequiredKeys_namesEveryMissingKeyAtOnce() {
        assertThatThrownBy(() -> read(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("senderAddress is required")
                .hasMessageContaining("jwtIssuer is required")
                .hasMessageContaining("jwtAudience is required")
                .hasMessageContaining("jwksUrl is required")
                .hasMessageContaining("cdk.json");
    }

    @Test
    void from_deliveryRatesAndConcurrency_areReadAndChecked() {
        // given
        Map<String, Object> context = minimal();
        context.put(QueuedDelivery.SES_MAX_SEND_RATE, "50");
        context.put(QueuedDelivery.EMAIL_CONCURRENCY, "4");

        // when
        QueuedDelivery delivery = read(context).delivery();

        // then
        assertThat(delivery.sesMaxSendRate()).isEqualTo(50);
        assertThat(delivery.sendRatePerEnvironment(HeraldFunction.EMAIL_CHANNEL)).isEqualTo("12.5");
        assertThat(read(minimal()).delivery()).isEqualTo(QueuedDelivery.DEFAULTS);

        // and when they cannot work
        context.put(QueuedDelivery.EMAIL_CONCURRENCY, "1");
        context.put(QueuedDelivery.WEBSOCKET_SHARE, "2");
        context.put(QueuedDelivery.SNS_PUBLISH_RATE, "fast");
        assertThatThrownBy(() -> read(context)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("emailConcurrency must be from 2 to 1000")
                .hasMessageContaining("webSocketShare must be above 0 and at most 1")
                .hasMessageContaining("snsPublishRate 'fast' must be a number");
    }

    @Test
    void from_withOnlyTheRequiredKeys_usesTheDefaults() {
        // when
        HeraldContext context = read(minimal());

        // then
        assertThat(context.envName()).isEqualTo("dev");
        assertThat(context.logRetentionDays()).isEqualTo(30);
        assertThat(context.corsOrigins()).isEmpty();
        assertThat(context.platformApplicationArns()).isEmpty();
        assertThat(context.senderEmail()).contains("notifications@herald.example");
        assertThat(context.senderDomain()).isEqualTo("herald.example");
    }

    @Test
    void from_withAPlatformArnOfTheWrongPlatform_namesTheKeyAndTheExpectedForm() {
        // given
        Map<String, Object> context = minimal();
        context.put("apnsArn", "arn:aws:sns:eu-west-1:123456789012:app/GCM/herald-android");

        // then
        assertThatThrownBy(() -> read(context)).hasMessageContaining("apnsArn").hasMessageContaining("app/APNS/my-app");
    }

    @Test
    void from_withARetentionCloudWatchDoesNotOffer_listsThePeriods() {
        // given
        Map<String, Object> context = minimal();
        context.put("logRetentionDays", "10");

        // then
        assertThatThrownBy(() -> read(context)).hasMessageContaining("logRetentionDays '10'").hasMessageContaining("14");
    }

    @Test
    void from_withCorsOrigins_splitsThemAndRefusesPaths() {
        // given
        Map<String, Object> good = minimal();
        good.put("corsOrigins", "https://a.example, https://b.example:8443");
        Map<String, Object> bad = minimal();
        bad.put("corsOrigins", "https://a.example/app");

        // then
        assertThat(read(good).corsOrigins()).containsExactly("https://a.example", "https://b.example:8443");
        assertThatThrownBy(() -> read(bad)).hasMessageContaining("'https://a.example/app' is not an origin");
    }

    @Test
    void from_withADomainAsSender_hasNoSenderEmail() {
        // given
        Map<String, Object> context = minimal();
        context.put("senderAddress", "herald.example");

        // then
        assertThat(read(context).senderEmail()).isEmpty();
        assertThat(read(context).senderDomain()).isEqualTo("herald.example");
    }

    @Test
    void from_withoutTheSafetyKeys_hasOnePublisherWithAnApiKey_noManagementSources_andLeavesTheAccountsRoleAlone() {
        // when
        HeraldContext context = read(minimal());

        // then
        assertThat(context.publishers()).containsExactly(new HeraldContext.Publisher("default", 100, 200));
        assertThat(context.ingestAuth()).isEqualTo(HeraldContext.IngestAuth.API_KEY);
        assertThat(context.managementSources()).isEmpty();
        assertThat(context.alarmEmail()).isEmpty();
        assertThat(context.apiGatewayCloudWatchRole()).isFalse();
    }

    @Test
    void from_withPublishers_readsEachNameAndItsLimits() {
        // given
        Map<String, Object> context = minimal();
        context.put("publishers", "billing:50/80, crm:20, web");

        // then
        assertThat(read(context).publishers()).containsExactly(new HeraldContext.Publisher("billing", 50, 80),
                new HeraldContext.Publisher("crm", 20, 40), new HeraldContext.Publisher("web", 100, 200));
    }

    @Test
    void from_withBadSafetyKeys_namesEachProblem() {
        // given
        Map<String, Object> context = minimal();
        context.put("publishers", "Billing,crm:10/5,crm");
        context.put("ingestAuth", "cognito");
        context.put("managementSources", "accounts.example, herald");
        context.put("alarmEmail", "oncall");
        context.put("apiGatewayCloudWatchRole", "yes");

        // then
        assertThatThrownBy(() -> read(context))
                .hasMessageContaining("publishers: 'Billing' is not name[:rate[/burst]]")
                .hasMessageContaining("publishers: 'crm:10/5' needs a rate of at least 1 and a burst at least the rate")
                .hasMessageContaining("publishers: 'crm' is listed twice")
                .hasMessageContaining("ingestAuth 'cognito' must be apiKey or iam")
                .hasMessageContaining("managementSources: 'herald' is not an event source")
                .hasMessageContaining("alarmEmail 'oncall' must be one email address")
                .hasMessageContaining("apiGatewayCloudWatchRole 'yes' must be true or false");
    }

    @Test
    void from_withTheSafetyKeys_readsThem() {
        // given
        Map<String, Object> context = minimal();
        context.put("ingestAuth", "iam");
        context.put("managementSources", "accounts.example, crm.example");
        context.put("alarmEmail", "oncall@herald.example");
        context.put("apiGatewayCloudWatchRole", "true");

        // when
        HeraldContext read = read(context);

        // then
        assertThat(read.ingestAuth()).isEqualTo(HeraldContext.IngestAuth.IAM);
        assertThat(read.managementSources()).containsExactly("accounts.example", "crm.example");
        assertThat(read.alarmEmail()).contains("oncall@herald.example");
        assertThat(read.apiGatewayCloudWatchRole()).isTrue();
    }

    @Test
    void retention_mapsEveryCloudWatchPeriod_toADistinctRetention() {
        assertThat(HeraldContext.RETENTION_DAYS.stream().map(HeraldFunctions::retention).distinct().toList())
                .hasSameSizeAs(HeraldContext.RETENTION_DAYS);
        assertThat(HeraldFunctions.retention(14).name()).isEqualTo("TWO_WEEKS");
        assertThat(HeraldFunctions.retention(3653).name()).isEqualTo("TEN_YEARS");
    }

    @Test
    void argumentContext_readsKeyValuePairs_likeTheCli() {
        assertThat(HeraldApp.argumentContext(new String[] {"-c", "envName=prod", "senderAddress=a@b.example corsOrigins=https://x.example", ""}))
                .isEqualTo(Map.of("envName", "prod", "senderAddress", "a@b.example", "corsOrigins", "https://x.example"));
        assertThatThrownBy(() -> HeraldApp.argumentContext(new String[] {"prod"})).hasMessageContaining("not key=value");
        assertThat(List.of(HeraldApp.argumentContext(new String[0]))).containsExactly(Map.of());
    }
}
