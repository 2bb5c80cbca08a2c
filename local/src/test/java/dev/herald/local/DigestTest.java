package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.delivery.DeliveryStatus;
import dev.herald.local.aws.Outbox;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Digests end to end on herald local with a driven clock: events of {@code review.posted} collected per host and
 * property for an hour, sent as one notification, exactly once, under concurrency, duplicates and a restart.
 */
class DigestTest {

    private static final Instant START = Instant.parse("2026-12-01T11:00:00Z");
    /** One digest line of the email text: {@code - reviewer, rating/5: title}. */
    private static final Pattern LINE = Pattern.compile("^- (\\S+), \\d/5: (\\S+)$", Pattern.MULTILINE);

    @TempDir
    Path data;

    private static String review(String host, String property, String title) {
        return "{\"hostId\":\"" + host + "\",\"propertyId\":\"" + property + "\",\"propertyName\":\"" + property + "\",\"reviewer\":\"guest\","
                + "\"rating\":5,\"title\":\"" + title + "\",\"reviewsUrl\":\"https://app.example/r\"}";
    }

    private static void hosts(HeraldLocal local, int count) throws InterruptedException {
        try (EventBridgeClient events = LocalFixture.eventBridge(local)) {
            for (int i = 0; i < count; i += 10) {
                List<PutEventsRequestEntry> batch = new ArrayList<>();
                for (int h = i; h < Math.min(count, i + 10); h++) {
                    batch.add(PutEventsRequestEntry.builder().eventBusName("herald").source("demo.app").detailType("Recipient Upserted")
                            .detail("{\"recipientId\":\"host-" + h + "\",\"locale\":\"en\",\"timeZone\":\"Europe/Paris\",\"email\":\"host-" + h
                                    + "@example.com\"}").build());
                }
                events.putEvents(r -> r.entries(batch));
            }
        }
        LocalFixture.await(count + " hosts", Duration.ofSeconds(30), () -> local.recipients().find("host-" + (count - 1)).isPresent()
                && local.inFlight() == 0);
    }

    private static void settle(HeraldLocal local, String what) throws InterruptedException {
        LocalFixture.await(what, Duration.ofSeconds(60), () -> local.inFlight() == 0);
    }

    private static void at(HeraldLocal local, DrivenClock clock, Instant to) throws InterruptedException {
        clock.set(to);
        local.runDueSchedules();
        settle(local, "what came due at " + to);
    }

    /** The digest emails to one host: each one's titles, in order. */
    private static List<List<String>> digestsTo(HeraldLocal local, String host) {
        List<List<String>> digests = new ArrayList<>();
        for (Outbox.Email email : local.outbox().emails()) {
            if (email.to().contains(host + "@example.com") && email.subject().contains("new review")) {
                List<String> titles = new ArrayList<>();
                Matcher m = LINE.matcher(email.text());
                while (m.find()) {
                    titles.add(m.group(2));
                }
                digests.add(titles);
            }
        }
        return digests;
    }

    @Test
    void digest_eventsWithinTheWindow_goOutAsOneNotificationWhenItEnds() throws Exception {
        DrivenClock clock = new DrivenClock(START);
        try (HeraldLocal local = HeraldLocal.start(LocalFixture.options().withClock(clock))) {
            // given
            hosts(local, 1);
            List<String> ids = new ArrayList<>();
            for (String title : List.of("first", "second", "third")) {
                ids.add(LocalFixture.publish(local, "demo.app", "review.posted", review("host-0", "lake", title)));
                settle(local, "review " + title);
                clock.advance(Duration.ofMinutes(5));
            }

            // then: nothing yet; each event's status names the digest it waits in
            assertThat(digestsTo(local, "host-0")).isEmpty();
            var status = LocalFixture.json(LocalFixture.get(local, "/local/status/" + ids.getFirst()).body());
            assertThat(status.path("digests").get(0).path("dueAt").asText()).isEqualTo("2026-12-01T12:00:00Z");

            // when: the window ends
            at(local, clock, Instant.parse("2026-12-01T12:00:02Z"));

            // then
            LocalFixture.await("the digest email", Duration.ofSeconds(10), () -> digestsTo(local, "host-0").size() == 1);
            assertThat(digestsTo(local, "host-0")).containsExactly(List.of("first", "second", "third"));
            String digestId = status.path("digests").get(0).path("digestNotificationId").asText();
            // the email sent (or already reported delivered by SES), the in-app item waiting for a connection
            assertThat(local.deliveries().forNotification(digestId))
                    .extracting(d -> d.status() == DeliveryStatus.DELIVERED ? DeliveryStatus.SENT : d.status())
                    .containsExactlyInAnyOrder(DeliveryStatus.SENT, DeliveryStatus.PENDING);
        }
    }

    @Test
    void digest_recipientsOwnFrequency_setsTheWindowOfTheirNextDigest() throws Exception {
        DrivenClock clock = new DrivenClock(START);
        try (HeraldLocal local = HeraldLocal.start(LocalFixture.options().withClock(clock))) {
            // given: a host who chose daily digests in the preference centre
            hosts(local, 1);
            HttpResponse<String> chosen = LocalFixture.HTTP.send(HttpRequest.newBuilder(URI.create(local.baseUrl() + "/preferences"))
                    .header("Authorization", "Bearer " + local.token("host-0", Duration.ofMinutes(5)))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"digest\":\"daily\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chosen.statusCode()).as(chosen.body()).isEqualTo(200);

            // when
            String id = LocalFixture.publish(local, "demo.app", "review.posted", review("host-0", "lake", "first"));
            settle(local, "the review");

            // then: the digest waits a day, not the type's hour
            var status = LocalFixture.json(LocalFixture.get(local, "/local/status/" + id).body());
            assertThat(status.path("digests").get(0).path("dueAt").asText()).isEqualTo("2026-12-02T11:00:00Z");
            at(local, clock, Instant.parse("2026-12-01T12:00:02Z"));
            assertThat(digestsTo(local, "host-0")).isEmpty();
            at(local, clock, Instant.parse("2026-12-02T11:00:02Z"));
            LocalFixture.await("the daily digest email", Duration.ofSeconds(10), () -> digestsTo(local, "host-0").size() == 1);
        }
    }

    @Test
    void digest_max_sendsTheFullBucketEarlyAndOpensTheNext() throws Exception {
        DrivenClock clock = new DrivenClock(START);
        try (HeraldLocal local = HeraldLocal.start(LocalFixture.options().withClock(clock))) {
            // given
            hosts(local, 1);

            // when: 52 reviews, two over the digest's max of 50
            for (int i = 0; i < 52; i++) {
                LocalFixture.publish(local, "demo.app", "review.posted", review("host-0", "lake", "r" + i));
            }
            settle(local, "the reviews");

            // then: the full bucket went out at once
            LocalFixture.await("the full digest", Duration.ofSeconds(10), () -> digestsTo(local, "host-0").size() == 1);
            assertThat(digestsTo(local, "host-0").getFirst()).hasSize(50);

            // when: the window ends
            at(local, clock, Instant.parse("2026-12-01T12:00:02Z"));

            // then: the other two, once
            LocalFixture.await("the second digest", Duration.ofSeconds(10), () -> digestsTo(local, "host-0").size() == 2);
            List<String> all = digestsTo(local, "host-0").stream().flatMap(List::stream).toList();
            assertThat(all).hasSize(52).doesNotHaveDuplicates();
        }
    }

    @Test
    void concurrentDigests_thousandEventsFiftyRecipientsThreeKeysWithDuplicates_oneDigestEachHoldingEveryEventOnce() throws Exception {
        DrivenClock clock = new DrivenClock(START);
        try (HeraldLocal local = HeraldLocal.start(LocalFixture.options().withClock(clock))) {
            // given
            hosts(local, 50);
            local.faults().addRate("invocations", "duplicate", 0.05);
            Map<String, List<String>> expected = new HashMap<>();
            List<List<PutEventsRequestEntry>> batches = new ArrayList<>();
            List<PutEventsRequestEntry> batch = new ArrayList<>();
            for (int n = 0; n < 1000; n++) {
                String host = "host-" + (n % 50);
                String property = "p" + (n / 50 % 3);
                expected.computeIfAbsent(host + "/" + property, k -> new ArrayList<>()).add("r" + n);
                batch.add(PutEventsRequestEntry.builder().eventBusName("herald").source("demo.app").detailType("review.posted")
                        .detail(review(host, property, "r" + n)).build());
                if (batch.size() == 10) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                }
            }

            // when: published from four threads at once
            ExecutorService publishers = Executors.newFixedThreadPool(4);
            try (EventBridgeClient events = LocalFixture.eventBridge(local)) {
                List<Future<?>> sent = new ArrayList<>();
                for (List<PutEventsRequestEntry> entries : batches) {
                    sent.add(publishers.submit(() -> assertThat(events.putEvents(r -> r.entries(entries)).failedEntryCount()).isZero()));
                }
                for (Future<?> f : sent) {
                    f.get();
                }
            } finally {
                publishers.shutdown();
            }
            settle(local, "1000 reviews");
            local.faults().clear();
            at(local, clock, Instant.parse("2026-12-01T12:00:02Z"));
            LocalFixture.await("150 digest emails", Duration.ofSeconds(60), () -> local.outbox().emails().size() >= 150 && local.inFlight() == 0);

            // then: per host and property, exactly one digest, holding each of its events once
            for (int h = 0; h < 50; h++) {
                Map<String, List<String>> byProperty = new HashMap<>();
                for (List<String> digest : digestsTo(local, "host-" + h)) {
                    assertThat(digest).isNotEmpty();
                    String property = "p" + (Integer.parseInt(digest.getFirst().substring(1)) / 50 % 3);
                    assertThat(byProperty.put(property, digest)).as("a second digest of host-%d for %s", h, property).isNull();
                }
                for (int p = 0; p < 3; p++) {
                    assertThat(byProperty.get("p" + p)).as("host-%d p%d", h, p)
                            .containsExactlyInAnyOrderElementsOf(expected.get("host-" + h + "/p" + p));
                }
            }
            assertThat(local.outbox().emails()).hasSize(150);
        }
    }

    @Test
    void restartMidWindowAndMidDelay_losesAndRepeatsNothing() throws Exception {
        DrivenClock clock = new DrivenClock(START);
        String reminder;
        // given: a digest window open and a reminder waiting when herald local stops
        try (HeraldLocal first = HeraldLocal.start(LocalFixture.options().withDataDir(data).withClock(clock))) {
            hosts(first, 1);
            LocalFixture.publish(first, "demo.app", "review.posted", review("host-0", "lake", "before"));
            reminder = LocalFixture.publish(first, "demo.app", "booking.created", "{\"userId\":\"host-0\",\"bookingId\":\"BK-R\","
                    + "\"hotelName\":\"H\",\"city\":\"C\",\"checkIn\":\"2026-12-03\",\"nights\":1,\"guests\":1,"
                    + "\"total\":{\"amount\":10,\"currency\":\"EUR\"},\"manageUrl\":\"https://x.example\"}");
            settle(first, "the review and the booking");
        }

        // when: it starts again on the same data, one more review joins the window, and the times come
        try (HeraldLocal second = HeraldLocal.start(LocalFixture.options().withDataDir(data).withClock(clock))) {
            LocalFixture.publish(second, "demo.app", "review.posted", review("host-0", "lake", "after"));
            settle(second, "the second review");
            at(second, clock, Instant.parse("2026-12-01T12:00:02Z"));
            LocalFixture.await("the digest", Duration.ofSeconds(10), () -> digestsTo(second, "host-0").size() == 1);
            at(second, clock, Instant.parse("2026-12-02T00:00:02Z"));

            // then: one digest with both reviews; the reminder, due 2 December 00:00, went out once
            assertThat(digestsTo(second, "host-0")).containsExactly(List.of("before", "after"));
            LocalFixture.await("the reminder", Duration.ofSeconds(10), () -> second.outbox().emails().stream()
                    .filter(e -> e.subject().contains("Check-in tomorrow")).count() == 1);
            assertThat(second.deliveries().forNotification(reminder).stream().filter(d -> d.typeId().equals("booking.checkin-reminder")))
                    .allSatisfy(d -> assertThat(d.status()).isNotEqualTo(DeliveryStatus.SCHEDULED));
        }
    }
}
