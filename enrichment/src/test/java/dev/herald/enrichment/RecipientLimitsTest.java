package dev.herald.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.recipient.RecipientRepository;
import dev.herald.testing.LocalDynamo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Recipients that can never be stored or delivered, and lists longer than a type allows, are refused up front. */
class RecipientLimitsTest {

    private final HandedOff handedOff = new HandedOff();

    private static final Catalog SHIPPED = CatalogLoader.load(Path.of("../templates/catalog.yaml"));

    private ObservedDynamo dynamo;
    private RecipientRepository recipients;
    private final AtomicInteger refusals = new AtomicInteger();

    @BeforeEach
    void setUp() {
        dynamo = new ObservedDynamo(LocalDynamo.client(), Duration.ZERO);
        recipients = new RecipientRepository(dynamo, LocalDynamo.freshTables().recipients(), Clock.systemUTC());
    }

    private EnrichedEvent handle(Catalog catalog, String type, String detail) {
        EventEnvelope event = EventEnvelope.create("demo.app", type, Json.parse(detail));
        return handedOff.enrichment(catalog, recipients, ExternalEnricher.NONE, refusals::incrementAndGet).handle(new MatchedEvent(type, event));
    }

    private static String jsonArray(int size, String prefix) {
        return IntStream.range(0, size).mapToObj(i -> "\"" + prefix + i + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void handle_userIdOf10000Characters_isRejectedAsInvalidEventNamingTheLimit() {
        // when
        EnrichedEvent enriched = handle(SHIPPED, "booking.created", "{\"userId\":\"" + "u".repeat(10_000) + "\"}");

        // then
        assertThat(enriched.rejection())
                .isEqualTo("invalid_event: detail.userId: recipient id is 10000 bytes; at most 256 bytes (UTF-8) fit Herald's keys");
        assertThat(dynamo.recipientReads).hasValue(0);
        assertThat(refusals).as("bad input is not an operator's alarm").hasValue(0);
    }

    @Test
    void handle_userIdOf256Bytes_isARecipient() {
        // when
        EnrichedEvent enriched = handle(SHIPPED, "booking.created", "{\"userId\":\"" + "é".repeat(128) + "\"}");

        // then
        assertThat(enriched.isRejected()).isFalse();
        assertThat(enriched.recipients()).singleElement().satisfies(r -> assertThat(r.id()).hasSize(128));
    }

    @Test
    void handle_oversizedIdInAList_namesItsIndex() {
        // when
        EnrichedEvent enriched = handle(SHIPPED, "booking.created", "{\"userId\":[\"u1\",\"" + "é".repeat(129) + "\"]}");

        // then
        assertThat(enriched.rejection()).startsWith("invalid_event: detail.userId[1]: recipient id is 258 bytes; at most 256 bytes");
    }

    @Test
    void handle_userIdArrayOf5000_isRefusedWholeWithoutReadingAProfile() {
        // when
        EnrichedEvent enriched = handle(SHIPPED, "booking.created", "{\"userId\":" + jsonArray(5000, "u") + "}");

        // then
        assertThat(enriched.rejection()).isEqualTo("too_many_recipients: detail.userId names 5000 recipients; type booking.created takes at"
                + " most 50 in one event (maxRecipients in catalog.yaml); the event is refused whole, nothing was sent; reach larger audiences with a topic");
        assertThat(enriched.recipients()).isEmpty();
        assertThat(dynamo.recipientReads).hasValue(0);
    }

    @Test
    void handle_userIdArrayAtTheCap_isDeliveredToEveryone() {
        // when
        EnrichedEvent enriched = handle(SHIPPED, "booking.created", "{\"userId\":" + jsonArray(50, "u") + "}");

        // then
        assertThat(enriched.isRejected()).isFalse();
        assertThat(enriched.recipients()).hasSize(50);
        assertThat(enriched.recipients().get(49).id()).isEqualTo("u49");
    }

    @Test
    void handle_emailSendTo5000ValidAddresses_isRefusedWhole() {
        // given
        String to = IntStream.range(0, 5000).mapToObj(i -> "\"guest" + i + "@example.com\"").collect(Collectors.joining(",", "[", "]"));

        // when
        EnrichedEvent enriched = handle(SHIPPED, "email.send", "{\"to\":" + to + ",\"subject\":\"s\",\"message\":\"m\"}");

        // then
        assertThat(enriched.rejection()).startsWith("too_many_recipients: detail.to names 5000 recipients; type email.send takes at most 10");
        assertThat(enriched.recipients()).isEmpty();
    }

    @Test
    void handle_addressOver254Characters_isInvalidEventWithoutQuotingIt() {
        // given
        String address = "a".repeat(250) + "@example.com";

        // when
        EnrichedEvent enriched = handle(SHIPPED, "email.send", "{\"to\":\"" + address + "\",\"subject\":\"s\",\"message\":\"m\"}");

        // then
        assertThat(enriched.rejection()).isEqualTo("invalid_event: detail.to: email address is 262 characters; at most 254 (RFC 5321)");
    }

    @Test
    void handle_addressOutsideAllowedDomains_isRefused() {
        // given
        Catalog catalog = withType("""
                  mail.out:
                    recipients: { email: detail.to }
                    category: transactional
                    channels: [email]
                    allowedDomains: [example.com]
                """);

        // when
        EnrichedEvent allowed = handle(catalog, "mail.out", "{\"to\":\"ana@example.com\"}");
        EnrichedEvent refused = handle(catalog, "mail.out", "{\"to\":[\"ana@example.com\",\"bob@elsewhere.example\"]}");

        // then
        assertThat(allowed.isRejected()).isFalse();
        assertThat(refused.rejection()).isEqualTo("domain_not_allowed: detail.to[1]: type mail.out emails only example.com"
                + " (allowedDomains in catalog.yaml); the event is refused whole, nothing was sent");
    }

    @Test
    void handle_topicNameOver256Bytes_isInvalidEvent() {
        // when
        EnrichedEvent enriched = handle(newsCatalog(), "news.published", "{\"topic\":\"" + "t".repeat(300) + "\"}");

        // then
        assertThat(enriched.rejection()).startsWith("invalid_event: detail.topic: topic name is 300 bytes; at most 256 bytes");
    }

    @Test
    void handle_moreTopicsThanAllowed_isRefused() {
        // when
        EnrichedEvent enriched = handle(newsCatalog(), "news.published", "{\"topic\":" + jsonArray(51, "t") + "}");

        // then
        assertThat(enriched.rejection()).startsWith("too_many_recipients: detail.topic names 51 topics; type news.published takes at most 50");
    }

    @Test
    void handle_memberOfTwoTopics_isReadWithEachTopic() {
        // given
        recipients.subscribe("travel", "u1");
        recipients.subscribe("food", "u1");
        recipients.subscribe("food", "u2");

        // when
        handle(newsCatalog(), "news.published", "{\"topic\":[\"travel\",\"food\"]}");
        handedOff.fanOut(newsCatalog(), recipients);

        // then: u1 comes with both topics; the processor's deliveries, keyed by event and recipient, make it one notification
        assertThat(handedOff.recipients()).extracting(r -> r.id()).containsExactly("u1", "u1", "u2");
    }

    static Catalog newsCatalog() {
        return withType("""
                  news.published:
                    recipients: { topic: detail.topic }
                    category: news
                    channels: [websocket]
                """);
    }

    private static Catalog withType(String typeYaml) {
        return CatalogLoader.parse("test-catalog.yaml", "defaults:\n  email: { from: \"Herald <n@example.com>\" }\ntypes:\n" + typeYaml);
    }
}
