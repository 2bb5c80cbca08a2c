package dev.herald.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import dev.herald.testing.LocalDynamo;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EnrichmentHandlerTest {

    private final HandedOff handedOff = new HandedOff();

    private static final Catalog SHIPPED = CatalogLoader.load(Path.of("../templates/catalog.yaml"));

    private RecipientRepository recipients;
    private HttpServer hotelApi;
    private final AtomicInteger hotelCalls = new AtomicInteger();
    private volatile int hotelDelayMillis;

    @BeforeEach
    void setUp() throws IOException {
        recipients = new RecipientRepository(LocalDynamo.client(), LocalDynamo.freshTables().recipients(), Clock.systemUTC());
        hotelApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hotelApi.createContext("/hotels/", exchange -> {
            hotelCalls.incrementAndGet();
            try {
                Thread.sleep(hotelDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = ("{\"name\":\"Hotel " + exchange.getRequestURI().getPath().substring(8) + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hotelApi.start();
    }

    @AfterEach
    void stop() {
        hotelApi.stop(0);
    }

    private static EventEnvelope event(String detailType, String detailJson) {
        return EventEnvelope.create("demo.app", detailType, Json.parse(detailJson));
    }

    private static EventEnvelope load(String resource) throws IOException {
        try (InputStream in = EnrichmentHandlerTest.class.getResourceAsStream("/events/" + resource)) {
            return Json.read(in, EventEnvelope.class);
        }
    }

    @Test
    void handle_knownRecipient_carriesProfileAndLocale() throws IOException {
        // given
        recipients.put(new RecipientProfile("u-42", "fr", "Europe/Paris", "camille@example.com", "Camille", Map.of(), null, null));
        EnrichmentHandler handler = handedOff.enrichment(SHIPPED, recipients, ExternalEnricher.NONE);

        // when
        EnrichedEvent enriched = handler.handle(new MatchedEvent("booking.created", load("booking-created.json")));

        // then
        assertThat(enriched.isRejected()).isFalse();
        assertThat(enriched.recipients()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("u-42");
            assertThat(r.profile().locale()).isEqualTo("fr");
            assertThat(r.email()).isEqualTo("camille@example.com");
        });
        assertThat(enriched.data().path("hotelName").asText()).isEqualTo("Hôtel du Lac");
    }

    @Test
    void handle_recipientWithoutProfile_isStillARecipient() throws IOException {
        // when
        EnrichedEvent enriched = handedOff.enrichment(SHIPPED, recipients, ExternalEnricher.NONE)
                .handle(new MatchedEvent("booking.created", load("booking-created.json")));

        // then
        assertThat(enriched.recipients()).singleElement().satisfies(r -> {
            assertThat(r.profile()).isNull();
            assertThat(r.email()).isNull();
        });
    }

    @Test
    void handle_missingRecipientField_isRejectedWithReason() {
        // when
        EnrichedEvent enriched = handedOff.enrichment(SHIPPED, recipients, ExternalEnricher.NONE)
                .handle(new MatchedEvent("booking.created", event("booking.created", "{\"bookingId\":\"b1\"}")));

        // then
        assertThat(enriched.rejection()).startsWith("missing_recipient: detail.userId is missing or empty");
    }

    @Test
    void handle_unknownType_isRejectedNamingTheCatalogTypes() {
        // when
        EnrichedEvent enriched = handedOff.enrichment(SHIPPED, recipients, ExternalEnricher.NONE)
                .handle(new MatchedEvent("nope", event("nope", "{}")));

        // then
        assertThat(enriched.rejection()).contains("unknown_type").contains("booking.created");
    }

    @Test
    void handle_directEmail_usesTheAddressButKeysByAHash() {
        // when
        EnrichedEvent enriched = handedOff.enrichment(SHIPPED, recipients, ExternalEnricher.NONE)
                .handle(new MatchedEvent("email.send", event("email.send", "{\"to\":\"a@example.com\",\"subject\":\"Hi\",\"message\":\"Hello\"}")));

        // then
        ResolvedRecipient r = enriched.recipients().getFirst();
        assertThat(r.email()).isEqualTo("a@example.com");
        assertThat(r.id()).startsWith("email-").doesNotContain("example");
    }

    @Test
    void handle_recipientWithoutProfile_carriesUnsubscribesFromLinks() throws IOException {
        // given
        recipients.recordUnsubscribe("u-42", "bookings", Channel.EMAIL, "n-1");

        // when
        EnrichedEvent enriched = handedOff.enrichment(SHIPPED, recipients, ExternalEnricher.NONE)
                .handle(new MatchedEvent("booking.created", load("booking-created.json")));

        // then
        assertThat(enriched.recipients()).singleElement().satisfies(r -> {
            assertThat(r.profile()).isNull();
            assertThat(r.optedOut("bookings", Channel.EMAIL)).isTrue();
            assertThat(r.optedOut("bookings", Channel.PUSH)).isFalse();
        });
    }

    @Test
    void handle_directEmailOfNonCriticalType_carriesTheAddressesUnsubscribes() {
        // given: the address's id unsubscribed from newsletters with an email's link
        Catalog catalog = withType("""
                  newsletter.sent:
                    recipients: { email: detail.to }
                    category: newsletter
                    channels: [email]
                    email: { from: "news@example.com" }
                    enrich: false
                """);
        recipients.recordUnsubscribe(RecipientResolver.directId("A@Example.com"), "newsletter", Channel.EMAIL, "n-1");

        // when
        EnrichedEvent enriched = handedOff.enrichment(catalog, recipients, ExternalEnricher.NONE)
                .handle(new MatchedEvent("newsletter.sent", event("newsletter.sent", "{\"to\":\"a@example.com\"}")));

        // then
        assertThat(enriched.recipients()).singleElement().satisfies(r -> {
            assertThat(r.email()).isEqualTo("a@example.com");
            assertThat(r.optedOut("newsletter", Channel.EMAIL)).isTrue();
        });
        // the processor reads it from the JSON the enrichment Lambda returns
        EnrichedEvent roundTrip = Json.read(new java.io.ByteArrayInputStream(Json.writeBytes(enriched)), EnrichedEvent.class);
        assertThat(roundTrip.recipients().getFirst().optedOut("newsletter", Channel.EMAIL)).isTrue();
        assertThat(Json.write(new ResolvedRecipient("u1", null, java.util.List.of(), null, false)))
                .as("no unsubscribes, no field: topics hand thousands of recipients on").doesNotContain("unsubscribed");
    }

    @Test
    void handle_directEmailNotAnAddress_isRejected() {
        // when
        EnrichedEvent enriched = handedOff.enrichment(SHIPPED, recipients, ExternalEnricher.NONE)
                .handle(new MatchedEvent("email.send", event("email.send", "{\"to\":\"not-an-address\"}")));

        // then
        assertThat(enriched.rejection()).isEqualTo("invalid_event: detail.to: not an email address");
    }

    @Test
    void handle_topic_startsAFanOutThatHandsEveryMemberOnOnce_pageByPage() {
        // given
        Catalog catalog = withType("""
                  news.published:
                    recipients: { topic: detail.topic }
                    category: news
                    channels: [websocket]
                """);
        for (int i = 0; i < 1000; i++) {
            recipients.subscribe("travel", "u" + i);
        }

        // when
        EnrichedEvent enriched = handedOff.enrichment(catalog, recipients, ExternalEnricher.NONE)
                .handle(new MatchedEvent("news.published", event("news.published", "{\"topic\":\"travel\"}")));
        int pages = handedOff.fanOut(catalog, recipients);

        // then: enrichment reads no member itself; the fan-out reads 500 a page, the last page finding none
        assertThat(enriched.recipients()).isEmpty();
        assertThat(pages).isEqualTo(3);
        assertThat(handedOff.recipients()).hasSize(1000).extracting(ResolvedRecipient::id).doesNotHaveDuplicates();
        assertThat(handedOff.unitEvents()).allSatisfy(unit -> assertThat(unit.fanOut()).isTrue());
        assertThat(handedOff.progress.find(enriched.event().id())).hasValueSatisfying(progress -> {
            assertThat(progress.pages()).isEqualTo(3);
            assertThat(progress.membersResolved()).isEqualTo(1000);
            assertThat(progress.units()).isEqualTo(10);
            assertThat(progress.complete()).isTrue();
        });
    }

    @Test
    void handle_externalEnricher_addsResponseUnderItsNameAndCaches() {
        // given
        Catalog catalog = withType("""
                  stay.reminder:
                    recipients: { userId: detail.userId }
                    category: bookings
                    channels: [websocket]
                    enrichers:
                      - { name: hotel, url: "http://127.0.0.1:%d/hotels/{detail.hotelId}", timeout: 500ms, retries: 1 }
                """.formatted(hotelApi.getAddress().getPort()));
        EnrichmentHandler handler = handedOff.enrichment(catalog, recipients, new HttpEnricher(Clock.systemUTC(), Duration.ofMillis(1)));

        // when
        EnrichedEvent first = handler.handle(new MatchedEvent("stay.reminder", event("stay.reminder", "{\"userId\":\"u1\",\"hotelId\":\"h 7\"}")));
        handler.handle(new MatchedEvent("stay.reminder", event("stay.reminder", "{\"userId\":\"u2\",\"hotelId\":\"h 7\"}")));

        // then
        assertThat(first.data().path("hotel").path("name").asText()).isEqualTo("Hotel h 7");
        assertThat(hotelCalls).hasValue(1);
    }

    @Test
    void handle_requiredEnricherTimesOut_failsTransiently() {
        // given
        hotelDelayMillis = 1500;
        Catalog catalog = withType("""
                  stay.reminder:
                    recipients: { userId: detail.userId }
                    category: bookings
                    channels: [websocket]
                    enrichers:
                      - { name: hotel, url: "http://127.0.0.1:%d/hotels/{detail.hotelId}", timeout: 200ms, retries: 1 }
                """.formatted(hotelApi.getAddress().getPort()));
        EnrichmentHandler handler = handedOff.enrichment(catalog, recipients, new HttpEnricher(Clock.systemUTC(), Duration.ofMillis(1)));

        // then
        assertThatThrownBy(() -> handler.handle(new MatchedEvent("stay.reminder", event("stay.reminder", "{\"userId\":\"u1\",\"hotelId\":\"h1\"}"))))
                .isInstanceOf(EnrichmentUnavailableException.class)
                .hasMessageContaining("enricher 'hotel'")
                .hasMessageContaining("2 attempts");
    }

    @Test
    void handle_optionalEnricherFails_deliversWithoutItsData() {
        // given
        Catalog catalog = withType("""
                  stay.reminder:
                    recipients: { userId: detail.userId }
                    category: bookings
                    channels: [websocket]
                    enrichers:
                      - { name: hotel, url: "http://127.0.0.1:1/hotels/{detail.hotelId}", timeout: 200ms, retries: 0, required: false }
                """);

        // when
        EnrichedEvent enriched = handedOff.enrichment(catalog, recipients, new HttpEnricher(Clock.systemUTC(), Duration.ofMillis(1)))
                .handle(new MatchedEvent("stay.reminder", event("stay.reminder", "{\"userId\":\"u1\",\"hotelId\":\"h1\"}")));

        // then
        assertThat(enriched.isRejected()).isFalse();
        assertThat(enriched.data().has("hotel")).isFalse();
    }

    private static Catalog withType(String typeYaml) {
        return CatalogLoader.parse("test-catalog.yaml", "types:\n" + typeYaml);
    }
}
