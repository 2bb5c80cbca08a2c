package dev.herald.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.queue.QueueLimits;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.recipient.QuietHours;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import dev.herald.testing.LocalDynamo;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A topic's audience travels to the processor in one Lambda destination record of at most 1 MB. A larger one is
 * refused with a reason and counted for the alarm; it is never handed over to be dropped.
 */
class HandOffTest {

    private final HandedOff handedOff = new HandedOff();

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
        return handedOff.enrichment(CATALOG, recipients, ExternalEnricher.NONE, refusals::incrementAndGet);
    }

    @Test
    void handle_topicPastTheOldOneRecordLimit_isHandedOverInFull_inUnitsThatEachFitAQueueMessage() {
        // given: 2,500 members with a full profile and a phone; one 1 MB record carried about 1,440
        for (int i = 0; i < 2500; i++) {
            String id = "user-%06d".formatted(i);
            recipients.put(realisticProfile(id));
            recipients.putDevice(realisticDevice(id));
            recipients.subscribe("everyone", id);
        }

        // when
        EnrichedEvent enriched = publish("everyone");
        handedOff.fanOut(CATALOG, recipients);

        // then
        assertThat(enriched.isRejected()).isFalse();
        assertThat(handedOff.units).hasSize(2500 / HandOff.UNIT_RECIPIENTS);
        Set<String> handedOver = new HashSet<>();
        for (String unit : handedOff.units) {
            assertThat(unit.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(QueueLimits.MESSAGE_BYTES);
            Json.read(unit, EnrichedEvent.class).recipients().forEach(r -> assertThat(handedOver.add(r.id())).as("handed over once").isTrue());
        }
        assertThat(handedOver).hasSize(2500);
        assertThat(refusals).hasValue(0);
    }

    @Test
    void handle_enricherDataPastTheLimit_isRefusedAndCounted() {
        // given: a single recipient, but an enricher that answers with 300 KB, more than a queue message takes
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
            enriched = handedOff.enrichment(catalog, recipients, new HttpEnricher(Clock.systemUTC(), Duration.ofMillis(1)), refusals::incrementAndGet)
                    .handle(new MatchedEvent("stay.reminder", event));
        } finally {
            api.stop(0);
        }

        // then
        assertThat(enriched.rejection()).matches("too_large: the event's template data \\(its detail and what the enrichers added\\) makes a work"
                + " unit of \\d+ bytes with a single recipient, over the 262144 bytes a queue message takes; nothing was sent; send less data in the event");
        assertThat(refusals).hasValue(1);
        assertThat(handedOff.units).as("the refusal itself is handed over, to be recorded").hasSize(1);
        assertThat(Json.read(handedOff.units.getFirst(), EnrichedEvent.class).rejection()).isEqualTo(enriched.rejection());
    }

    private static com.sun.net.httpserver.HttpServer bigApi() {
        try {
            var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = ("{\"blob\":\"" + "x".repeat(300_000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
    void handle_topicMembers_areReadAHundredAtATime_withBatchGetItem_notAQueryEach() {
        // given: 320 members with a profile and an address each
        for (int i = 0; i < 320; i++) {
            String id = "u" + i;
            recipients.put(realisticProfile(id));
            recipients.subscribe("travel", id);
        }
        dynamo.batchReads.set(0);

        // when
        publish("travel");
        handedOff.fanOut(CATALOG, recipients);

        // then: four profile reads and four suppression reads for one page of 320, and no query per member
        assertThat(handedOff.recipients()).hasSize(320);
        assertThat(handedOff.recipients().get(319).id()).as("members in id order").isEqualTo("u99");
        assertThat(handedOff.recipients()).allSatisfy(r -> assertThat(r.profile()).isNotNull());
        assertThat(dynamo.recipientReads).hasValue(0);
        assertThat(dynamo.batchReads).hasValue(8);
        assertThat(dynamo.batchKeys).hasValue(640);
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
