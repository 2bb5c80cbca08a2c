package dev.herald.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.lambda.LambdaLimits;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.recipient.QuietHours;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A topic's audience travels to the processor in one Lambda destination record of at most 1 MB. A larger one is
 * refused with a reason and counted for the alarm; it is never handed over to be dropped.
 */
class HandOffTest {

    private static final Catalog CATALOG = CatalogLoader.parse("test-catalog.yaml", """
            defaults:
              email: { from: "Herald <n@example.com>" }
            types:
              news.published:
                recipients: { topic: detail.topic }
                category: news
                channels: [websocket, push, email]
            """);
    private static final String NEWS = "{\"topic\":\"%s\",\"headline\":\"Winter timetable\",\"url\":\"https://news.example/winter\"}";

    private ObservedDynamo dynamo;
    private RecipientRepository recipients;
    private final AtomicInteger refusals = new AtomicInteger();

    @BeforeEach
    void setUp() {
        dynamo = new ObservedDynamo(LocalDynamo.client(), Duration.ZERO);
        recipients = new RecipientRepository(dynamo, LocalDynamo.freshTables().recipients(), Clock.systemUTC());
    }

    private EnrichedEvent publish(String topic) {
        EventEnvelope event = EventEnvelope.create("demo.app", "news.published", Json.parse(NEWS.formatted(topic)));
        return handler().handle(new MatchedEvent("news.published", event));
    }

    private EnrichmentHandler handler() {
        return new EnrichmentHandler(CATALOG, recipients, ExternalEnricher.NONE, refusals::incrementAndGet);
    }

    @Test
    void handle_topicWhoseIdsAloneExceedTheLimit_isRefusedBeforeLoadingEveryProfile() {
        // given: 5,000 members with 200-character ids need more than 1 MB (247 bytes each) even without profiles
        for (int i = 0; i < 5000; i++) {
            recipients.subscribe("everyone", "%0200d".formatted(i));
        }

        // when
        EnrichedEvent enriched = publish("everyone");

        // then
        assertThat(enriched.rejection()).matches("too_large: topic everyone takes the audience past \\d+ members, more than one hand-off to the"
                + " processor can carry \\(Lambda's asynchronous payload limit is 1048576 bytes\\); nothing was sent; split the audience into smaller topics");
        assertThat(enriched.recipients()).isEmpty();
        assertThat(dynamo.recipientReads).as("profiles read: no more than fit in the hand-off").hasValueLessThanOrEqualTo(4000);
        assertThat(refusals).hasValue(1);
    }

    @Test
    void handle_topicOfRealisticProfiles_isCarriedInFullUpToTheLimitAndRefusedPastIt() {
        // given: members with a full profile and a phone; how many fit is measured from one of them
        int fit = membersThatFit();
        int within = fit - 50;
        for (int i = 0; i < fit + 50; i++) {
            String id = "user-%06d".formatted(i);
            recipients.put(realisticProfile(id));
            recipients.putDevice(realisticDevice(id));
            recipients.subscribe("everyone", id);
            if (i < within) {
                recipients.subscribe("most", id);
            }
        }

        // when
        EnrichedEvent carried = publish("most");
        EnrichedEvent refused = publish("everyone");

        // then
        assertThat(carried.isRejected()).isFalse();
        assertThat(carried.recipients()).hasSize(within);
        assertThat(new HandOff(Json.writeBytes(new MatchedEvent("news.published", carried.event())).length).recordBytes(carried))
                .isLessThanOrEqualTo(LambdaLimits.ASYNC_PAYLOAD_BYTES);
        assertThat(refused.rejection()).isEqualTo("too_large: topic everyone takes the audience past " + (fit + 50) + " members, more than one"
                + " hand-off to the processor can carry (Lambda's asynchronous payload limit is 1048576 bytes); nothing was sent;"
                + " split the audience into smaller topics");
        assertThat(refusals).hasValue(1);
        System.out.printf("hand-off: %d members with realistic profiles fit in one 1 MB record (%d bytes each)%n", fit,
                Json.writeBytes(resolved("user-000000")).length + 1);
    }

    @Test
    void handle_hugeTopic_readsAboutOneHandOffOfProfilesNotAllOfThem() {
        // given: 10,000 members with a profile each; about 1,440 such fit
        for (int i = 0; i < 10_000; i++) {
            String id = "user-%06d".formatted(i);
            recipients.put(realisticProfile(id));
            recipients.subscribe("everyone", id);
        }

        // when
        EnrichedEvent enriched = publish("everyone");

        // then
        assertThat(enriched.rejection()).startsWith("too_large: topic everyone takes the audience past ");
        assertThat(dynamo.recipientReads).as("profiles read").hasValueLessThanOrEqualTo(3000);
        assertThat(refusals).hasValue(1);
    }

    @Test
    void handle_enricherDataPastTheLimit_isRefusedAndCounted() {
        // given: a single recipient, but an enricher that answers with 1.1 MB
        com.sun.net.httpserver.HttpServer api = bigApi();
        Catalog catalog = CatalogLoader.parse("test-catalog.yaml", """
                types:
                  stay.reminder:
                    recipients: { userId: detail.userId }
                    category: bookings
                    channels: [websocket]
                    enrichers:
                      - { name: hotel, url: "http://127.0.0.1:%d/big", timeout: 2s, retries: 0 }
                """.formatted(api.getAddress().getPort()));
        EventEnvelope event = EventEnvelope.create("demo.app", "stay.reminder", Json.parse("{\"userId\":\"u1\"}"));

        // when
        EnrichedEvent enriched;
        try {
            enriched = new EnrichmentHandler(catalog, recipients, new HttpEnricher(Clock.systemUTC(), Duration.ofMillis(1)), refusals::incrementAndGet)
                    .handle(new MatchedEvent("stay.reminder", event));
        } finally {
            api.stop(0);
        }

        // then
        assertThat(enriched.rejection()).matches("too_large: 1 recipients with their profiles and the template data come to \\d+ bytes in the hand-off"
                + " to the processor, over Lambda's asynchronous payload limit of 1048576 bytes; nothing was sent; split the audience into smaller topics");
        assertThat(refusals).hasValue(1);
    }

    private static com.sun.net.httpserver.HttpServer bigApi() {
        try {
            var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = ("{\"blob\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            server.createContext("/big", exchange -> {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void handle_topicMembers_areLoadedSixteenAtATime() {
        // given: each read takes 10 ms, as a remote table might
        dynamo = new ObservedDynamo(LocalDynamo.client(), Duration.ofMillis(10));
        recipients = new RecipientRepository(dynamo, LocalDynamo.freshTables().recipients(), Clock.systemUTC());
        for (int i = 0; i < 320; i++) {
            recipients.subscribe("travel", "u" + i);
        }

        // when
        long started = System.nanoTime();
        EnrichedEvent enriched = publish("travel");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // then
        assertThat(enriched.recipients()).hasSize(320);
        assertThat(enriched.recipients().get(319).id()).as("members in id order").isEqualTo("u99");
        assertThat(dynamo.maxConcurrentReads).hasValue(RecipientResolver.LOAD_PARALLELISM);
        assertThat(took).as("one at a time would take 3.2 s").isLessThan(Duration.ofMillis(1600));
    }

    /** Members with {@link #realisticProfile} that fit in one hand-off with this test's event. */
    private static int membersThatFit() {
        EventEnvelope event = EventEnvelope.create("demo.app", "news.published", Json.parse(NEWS.formatted("everyone")));
        HandOff handOff = new HandOff(Json.writeBytes(new MatchedEvent("news.published", event)).length);
        long budget = handOff.recipientBudget(EnrichedEvent.of("news.published", event, event.detail(), List.of()));
        return (int) (budget / (Json.writeBytes(resolved("user-000000")).length + 1));
    }

    private static ResolvedRecipient resolved(String id) {
        return new ResolvedRecipient(id, realisticProfile(id), List.of(realisticDevice(id)), realisticProfile(id).email(), false);
    }

    private static RecipientProfile realisticProfile(String id) {
        return new RecipientProfile(id, "fr-CA", "America/Montreal", "camille.tremblay." + id + "@example.com", "Camille Tremblay",
                Map.of("marketing", EnumSet.of(Channel.EMAIL, Channel.PUSH)), new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)),
                Instant.parse("2026-11-30T09:15:42.123Z"));
    }

    private static Device realisticDevice(String id) {
        byte[] token = new byte[32];
        new java.util.Random(id.hashCode()).nextBytes(token);
        return new Device(id, "iphone-" + id, Platform.APNS, HexFormat.of().formatHex(token),
                "arn:aws:sns:eu-west-1:123456789012:endpoint/APNS/herald-ios/" + UUID.nameUUIDFromBytes(token), true,
                Instant.parse("2026-11-30T09:15:42.123Z"));
    }
}
