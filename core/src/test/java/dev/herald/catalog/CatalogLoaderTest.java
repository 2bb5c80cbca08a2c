package dev.herald.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.json.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CatalogLoaderTest {

    private static final String VALID = """
            defaults:
              locale: en
              email: { from: "Herald <n@example.com>" }
            types:
              booking.created:
                pattern: { source: [demo.app], detail-type: [booking.created] }
                recipients: { userId: detail.userId }
                category: bookings
                channels: [websocket, push, email]
            """;

    @Test
    void load_shippedCatalog_definesTheFoundationTypes() {
        // when
        Catalog catalog = CatalogLoader.load(Path.of("../templates/catalog.yaml"));

        // then
        assertThat(catalog.typeIds()).contains("booking.created", "user.signup", "email.send");
        NotificationType booking = catalog.require("booking.created");
        assertThat(booking.channels()).containsExactly(Channel.WEBSOCKET, Channel.PUSH, Channel.EMAIL);
        assertThat(booking.recipients().kind()).isEqualTo(RecipientSpec.Kind.USER_ID);
        assertThat(booking.recipients().path().expression()).isEqualTo("detail.userId");
        assertThat(booking.defaultLocale()).isEqualTo("en");
        assertThat(catalog.require("email.send").recipients().kind()).isEqualTo(RecipientSpec.Kind.EMAIL);
        assertThat(catalog.require("email.send").enrich()).isFalse();
        assertThat(catalog.require("user.signup").channels()).containsExactly(Channel.EMAIL);
    }

    @Test
    void categoryChannels_ofTheShippedCatalog_listEachCategorysChannelsInChannelOrder() {
        // when
        var categories = CatalogLoader.load(Path.of("../templates/catalog.yaml")).categoryChannels();

        // then
        assertThat(categories).containsExactly(
                java.util.Map.entry("account", java.util.Set.of(Channel.EMAIL)),
                java.util.Map.entry("bookings", java.util.Set.of(Channel.WEBSOCKET, Channel.PUSH, Channel.EMAIL)),
                java.util.Map.entry("messages", java.util.Set.of(Channel.WEBSOCKET, Channel.EMAIL)),
                java.util.Map.entry("reviews", java.util.Set.of(Channel.WEBSOCKET, Channel.EMAIL)),
                java.util.Map.entry("transactional", java.util.Set.of(Channel.EMAIL)));
        assertThat(categories.get("bookings")).containsExactly(Channel.WEBSOCKET, Channel.PUSH, Channel.EMAIL);
    }

    @Test
    void parse_validType_appliesDefaults() {
        // when
        NotificationType type = CatalogLoader.parse("catalog.yaml", VALID).require("booking.created");

        // then
        assertThat(type.priority()).isEqualTo(Priority.NORMAL);
        assertThat(type.delivery()).isEqualTo(DeliveryStrategy.ALL);
        assertThat(type.enrich()).isTrue();
        assertThat(type.email().from()).isEqualTo("Herald <n@example.com>");
        assertThat(type.maxRecipients()).isEqualTo(NotificationType.DEFAULT_MAX_RECIPIENTS);
        assertThat(type.allowedDomains()).isEmpty();
    }

    @Test
    void parse_maxRecipients_isKept() {
        // when
        NotificationType type = CatalogLoader.parse("catalog.yaml", VALID + "    maxRecipients: 200\n").require("booking.created");

        // then
        assertThat(type.maxRecipients()).isEqualTo(200);
    }

    @Test
    void parse_maxRecipientsOverTheCeiling_isRefusedPointingToTopics() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID + "    maxRecipients: 5000\n"))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog.yaml: type 'booking.created': maxRecipients must be a whole number from 1 to 1000 (default 50),"
                        + " got '5000'; reach larger audiences with a topic");
    }

    @Test
    void parse_maxRecipientsNotANumber_isRefused() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID + "    maxRecipients: many\n"))
                .hasMessageContaining("maxRecipients must be a whole number from 1 to 1000");
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID + "    maxRecipients: 0\n"))
                .hasMessageContaining("got '0'");
    }

    @Test
    void parse_allowedDomainsOnADirectSend_areKeptLowerCase() {
        // given
        String yaml = VALID + """
                  mail.out:
                    recipients: { email: detail.to }
                    category: transactional
                    channels: [email]
                    allowedDomains: [Example.com, mail.example.org]
                """;

        // when
        NotificationType type = CatalogLoader.parse("catalog.yaml", yaml).require("mail.out");

        // then
        assertThat(type.allowedDomains()).containsExactly("example.com", "mail.example.org");
        assertThat(type.allowsDomainOf("ana@EXAMPLE.com")).isTrue();
        assertThat(type.allowsDomainOf("ana@evil.example")).isFalse();
    }

    @Test
    void parse_sourceRateLimit_isKept() {
        // when
        NotificationType type = CatalogLoader.parse("catalog.yaml", VALID + "    sourceRateLimit: { max: 100, per: 1h }\n").require("booking.created");

        // then
        assertThat(type.sourceRateLimit()).isEqualTo(new RateLimit(100, java.time.Duration.ofHours(1)));
        assertThat(CatalogLoader.parse("catalog.yaml", VALID).require("booking.created").sourceRateLimit()).isNull();
    }

    @Test
    void parse_sourceRateLimitWithoutWindow_isRefused() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID + "    sourceRateLimit: { max: 100 }\n"))
                .hasMessage("catalog.yaml: type 'booking.created': sourceRateLimit.per is required, e.g. 1h");
    }

    @Test
    void load_shippedEmailSend_isNoOpenRelay() {
        // when
        NotificationType emailSend = CatalogLoader.load(Path.of("../templates/catalog.yaml")).require("email.send");

        // then
        assertThat(emailSend.pattern().path("source").toString()).isEqualTo("[\"demo.app\"]");
        assertThat(emailSend.sourceRateLimit()).isEqualTo(new RateLimit(100, java.time.Duration.ofHours(1)));
        assertThat(emailSend.maxRecipients()).isEqualTo(10);
    }

    @Test
    void parse_allowedDomainsOnUserIds_isRefused() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID + "    allowedDomains: [example.com]\n"))
                .hasMessageContaining("type 'booking.created': allowedDomains applies to addresses named in the event");
    }

    @Test
    void parse_allowedDomainNotADomain_isRefused() {
        String yaml = VALID + """
                  mail.out:
                    recipients: { email: detail.to }
                    category: transactional
                    channels: [email]
                    allowedDomains: ["*"]
                """;
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", yaml))
                .hasMessageContaining("allowedDomains: '*' is not a domain name");
    }

    @Test
    void rulePattern_withoutSource_excludesHeraldsOwnEvents() {
        // given
        Catalog catalog = CatalogLoader.parse("catalog.yaml", """
                types:
                  user.signup:
                    recipients: { userId: detail.userId }
                    category: account
                    channels: [websocket]
                """);

        // when
        String pattern = catalog.require("user.signup").rulePattern();

        // then
        assertThat(Json.parse(pattern)).isEqualTo(Json.parse("""
                {"source":[{"anything-but":["herald"]}],"detail-type":["user.signup"]}"""));
    }

    @Test
    void parse_unknownChannel_namesFileEntryAndChoices() {
        assertThatThrownBy(() -> CatalogLoader.parse("templates/catalog.yaml", VALID.replace("[websocket, push, email]", "[websocket, sms]")))
                .isInstanceOf(CatalogException.class)
                .hasMessage("templates/catalog.yaml: type 'booking.created': channels: unknown channel 'sms'; expected one of websocket, push, email");
    }

    @Test
    void parse_heraldAsPatternSource_isRefused() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID.replace("source: [demo.app]", "source: [herald]")))
                .hasMessageContaining("type 'booking.created'")
                .hasMessageContaining("must not include 'herald'");
    }

    @Test
    void parse_missingRecipients_saysHowToWriteThem() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID.replace("recipients: { userId: detail.userId }", "")))
                .hasMessageContaining("type 'booking.created': recipients must name exactly one of userId, email, topic");
    }

    @Test
    void parse_recipientPathOutsideDetail_isRefused() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID.replace("detail.userId", "source")))
                .hasMessageContaining("must be a path into the event's detail");
    }

    @Test
    void parse_unknownField_isRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID.replace("category: bookings", "category: bookings\n    chanels: [email]")))
                .hasMessageContaining("type 'booking.created': unknown field 'chanels'");
    }

    @Test
    void parse_emailChannelWithoutSender_isRefused() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID.replace("  email: { from: \"Herald <n@example.com>\" }\n", "")))
                .hasMessageContaining("uses the email channel but no sender is set");
    }

    @Test
    void parse_patternLeafNotAList_isRefused() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", VALID.replace("source: [demo.app]", "source: demo.app")))
                .hasMessageContaining("pattern.source must be a non-empty list of values");
    }

    @Test
    void parse_invalidYaml_namesTheLine() {
        assertThatThrownBy(() -> CatalogLoader.parse("catalog.yaml", "types:\n  a: [\n"))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("catalog.yaml:");
    }

    @Test
    void load_missingFile_saysWhatToDo() {
        assertThatThrownBy(() -> CatalogLoader.load(Path.of("no/such/catalog.yaml")))
                .hasMessageContaining("catalog not found");
    }
}
