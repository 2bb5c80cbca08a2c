package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.json.Json;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.recipient.QuietHours;
import dev.herald.recipient.RecipientProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Inputs that can never be stored or delivered, end to end through herald local's ingest: each is recorded once as
 * FAILED with its reason, and nothing is retried, dead-lettered or sent. A topic too large for the hand-off to the
 * processor is refused and counted for the alarm, never handed over to be dropped.
 */
class OversizedInputsTest {

    private static final Path TEMPLATES = templatesWithATopicType();

    @AutoClose
    private static final HeraldLocal local = HeraldLocal.start(LocalOptions.defaults(TEMPLATES).withPort(0)
            .withRetries(LocalFixture.options().retries()));

    @Test
    void userIdOf10000Characters_isRecordedOnceAsInvalidEvent() throws Exception {
        // when
        String eventId = ingest("booking.created", Map.of("userId", "u".repeat(10_000), "bookingId", "BK-long"));

        // then
        assertRefusedOnce(eventId, "invalid_event: detail.userId: recipient id is 10000 bytes; at most 256 bytes (UTF-8) fit Herald's keys");
    }

    @Test
    void userIdArrayOf5000_isRefusedWhole() throws Exception {
        // when
        String eventId = ingest("booking.created", Map.of("userId", ids(5000, "user-"), "bookingId", "BK-many"));

        // then
        assertRefusedOnce(eventId, "too_many_recipients: detail.userId names 5000 recipients; type booking.created takes at most 50");
    }

    @Test
    void emailSendTo5000Addresses_isRefusedWholeAndSendsNoEmail() throws Exception {
        // given
        List<String> to = IntStream.range(0, 5000).mapToObj(i -> "guest" + i + "@example.com").toList();

        // when
        String eventId = ingest("email.send", Map.of("to", to, "subject", "Hello", "message", "Hi"));

        // then
        assertRefusedOnce(eventId, "too_many_recipients: detail.to names 5000 recipients; type email.send takes at most 10");
    }

    @Test
    void topicLargerThanTheHandOff_isRefusedRecordedAndCounted_whileASmallerOneIsDeliveredInFull() throws Exception {
        // given: 2,000 members with a full profile and a phone (about 1,440 fit in 1 MB); the first 1,000 also in "half"
        for (int i = 0; i < 2000; i++) {
            String id = "member-%05d".formatted(i);
            local.recipients().put(realisticProfile(id));
            local.recipients().putDevice(realisticDevice(id));
            local.recipients().subscribe("everyone", id);
            if (i < 1000) {
                local.recipients().subscribe("half", id);
            }
        }

        // when
        String half = ingest("news.published", Map.of("topic", "half", "headline", "Winter timetable"));
        LocalFixture.await("1,000 websocket deliveries", Duration.ofSeconds(60),
                () -> local.deliveries().forNotification(half).stream().filter(d -> d.channel() == Channel.WEBSOCKET).count() == 1000);
        List<String> metricLines;
        String everyone;
        try (CapturedOutput output = CapturedOutput.start()) {
            everyone = ingest("news.published", Map.of("topic", "everyone", "headline", "Winter timetable"));
            assertRefusedOnce(everyone, "too_large: topic everyone takes the audience past ");
            metricLines = output.lines().filter(line -> line.contains("\"NotificationsRefused\"")).toList();
        }

        // then
        assertThat(local.deliveries().forNotification(everyone).getFirst().reason())
                .contains("more than one hand-off to the processor can carry (Lambda's asynchronous payload limit is 1048576 bytes); nothing was sent");
        assertThat(metricLines).singleElement().satisfies(line -> {
            JsonNode emf = Json.parse(line);
            JsonNode directive = emf.path("_aws").path("CloudWatchMetrics").get(0);
            assertThat(directive.path("Namespace").asText()).isEqualTo("Herald");
            assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Service\"]]");
            assertThat(emf.path("Service").asText()).isEqualTo("enrichment");
            assertThat(emf.path("NotificationsRefused").asInt()).isEqualTo(1);
        });
    }

    /** Publishes through herald local's ingest API (POST /events with the API key) and returns the event id. */
    private static String ingest(String type, Map<String, Object> detail) throws Exception {
        String body = Json.write(Map.of("Source", "demo.app", "DetailType", type, "Detail", detail));
        var response = LocalFixture.post(local, "/events", body, "x-api-key", local.apiKey(), "Content-Type", "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String eventId = json(response.body()).path("Entries").get(0).path("EventId").asText();
        assertThat(eventId).as(response.body()).isNotBlank();
        return eventId;
    }

    /**
     * The event ends as one FAILED delivery with the reason, under the placeholder recipient; enrichment and the
     * processor each ran once and succeeded; no dead letter; no email, push or frame went out.
     */
    private static void assertRefusedOnce(String eventId, String reasonPrefix) throws Exception {
        long emails = local.outbox().emailsSent();
        long pushes = local.outbox().pushesSent();
        LocalFixture.await("the event's recorded outcome", Duration.ofSeconds(30), () -> !local.deliveries().forNotification(eventId).isEmpty()
                && "DONE".equals(status(eventId).path("state").asText()));
        List<Delivery> deliveries = local.deliveries().forNotification(eventId);
        assertThat(deliveries).singleElement().satisfies(d -> {
            assertThat(d.recipientId()).isEqualTo("-");
            assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(d.reason()).startsWith(reasonPrefix);
        });
        JsonNode steps = status(eventId).path("event").path("steps");
        assertThat(steps.findValuesAsText("target")).containsExactly(HeraldLocal.ENRICHMENT, HeraldLocal.PROCESSOR);
        steps.forEach(step -> {
            assertThat(step.path("status").asText()).as(step.toString()).isEqualTo("SUCCEEDED");
            assertThat(step.path("attempts").asInt()).as("attempts of " + step.path("target").asText()).isEqualTo(1);
        });
        JsonNode dlq = json(LocalFixture.get(local, "/local/dlq").body());
        assertThat(dlq.findValuesAsText("eventId")).doesNotContain(eventId);
        assertThat(local.outbox().emailsSent()).isEqualTo(emails);
        assertThat(local.outbox().pushesSent()).isEqualTo(pushes);
    }

    private static JsonNode status(String eventId) {
        try {
            return json(LocalFixture.get(local, "/local/status/" + eventId).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> ids(int count, String prefix) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    /** The shipped templates plus a topic type, news.published, whose templates are booking.created's. */
    private static Path templatesWithATopicType() {
        try {
            Path dir = Files.createTempDirectory("herald-templates");
            Path shipped = LocalFixture.TEMPLATES;
            try (Stream<Path> files = Files.walk(shipped)) {
                for (Path file : files.filter(f -> !f.toString().contains("target") && !f.toString().contains("src")).toList()) {
                    Path target = dir.resolve(shipped.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
            try (Stream<Path> files = Files.walk(shipped.resolve("booking.created"))) {
                for (Path file : files.toList()) {
                    Path target = dir.resolve("news.published").resolve(shipped.resolve("booking.created").relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
            Files.writeString(dir.resolve("catalog.yaml"), """

                      news.published:
                        pattern:
                          source: [demo.app]
                          detail-type: [news.published]
                        recipients: { topic: detail.topic }
                        category: news
                        channels: [websocket]
                    """, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RecipientProfile realisticProfile(String id) {
        return new RecipientProfile(id, "fr-CA", "America/Montreal", "camille.tremblay." + id + "@example.com", "Camille Tremblay",
                Map.of("marketing", EnumSet.of(Channel.EMAIL, Channel.PUSH)), new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)),
                Instant.parse("2026-11-30T09:15:42.123Z"));
    }

    private static Device realisticDevice(String id) {
        byte[] token = new byte[32];
        new Random(id.hashCode()).nextBytes(token);
        return new Device(id, "iphone-" + id, Platform.APNS, HexFormat.of().formatHex(token),
                "arn:aws:sns:eu-west-1:123456789012:endpoint/APNS/herald-ios/" + UUID.nameUUIDFromBytes(token), true,
                Instant.parse("2026-11-30T09:15:42.123Z"));
    }

    /** Standard output, copied while it runs: where a Lambda function's EMF metric lines go. */
    private static final class CapturedOutput implements AutoCloseable {
        private final PrintStream original = System.out;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        static CapturedOutput start() {
            CapturedOutput captured = new CapturedOutput();
            System.setOut(new PrintStream(new OutputStream() {
                @Override
                public void write(int b) {
                    captured.original.write(b);
                    synchronized (captured.copy) {
                        captured.copy.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    captured.original.write(b, off, len);
                    synchronized (captured.copy) {
                        captured.copy.write(b, off, len);
                    }
                }
            }, true, StandardCharsets.UTF_8));
            return captured;
        }

        Stream<String> lines() {
            synchronized (copy) {
                return copy.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList()).stream();
            }
        }

        @Override
        public void close() {
            System.setOut(original);
        }
    }
}
