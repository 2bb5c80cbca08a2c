package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.fanout.FanOutProgress;
import dev.herald.local.aws.Faults;
import dev.herald.local.aws.LocalQueues;
import dev.herald.recipient.RecipientProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery at scale through the strict herald local (SQS queues, event source mappings, paced channels): a topic
 * audience larger than one payload ever carried is read page by page and delivered in full; a fan-out stopped
 * midway resumes with nothing lost or repeated, and so does one whose every queue message arrives twice; a
 * provider's throttling is absorbed without a single dead letter.
 */
class DeliveryAtScaleTest {

    private static final Path TEMPLATES = TopicAudience.templatesWithATopicType();

    @TempDir
    Path data;

    private static LocalOptions options() {
        return LocalOptions.defaults(TEMPLATES).withPort(0).withRetries(LocalFixture.options().retries());
    }

    @Test
    void topicPastTheOldOnePayloadLimit_isReadPageByPage_andDeliveredInFull() throws Exception {
        try (HeraldLocal local = HeraldLocal.start(options())) {
            // given: 2,000 members with a full profile and a phone; one 1 MB hand-off carried about 1,440
            subscribe(local, "everyone", 2000);

            // when
            String eventId = LocalFixture.publish(local, "demo.app", "news.published", "{\"topic\":\"everyone\",\"headline\":\"Winter timetable\"}");
            FanOutProgress.Progress progress = awaitFanOut(local, eventId, 2000);

            // then: every member has one in-app delivery, waiting in the inbox (no socket is open)
            assertThat(byRecipient(local, eventId)).hasSize(2000).allSatisfy((member, deliveries) ->
                    assertThat(deliveries).singleElement().satisfies(d -> assertThat(d.channel()).isEqualTo(Channel.WEBSOCKET)));
            assertThat(progress.pages()).as("500 members a page, and a last one that finds none").isEqualTo(5);
            assertThat(progress.units()).isEqualTo(20);
            assertThat(progress.complete()).isTrue();
            assertNothingDeadLettered(local);
        }
    }

    @Test
    void fanOutStoppedMidway_resumesAtTheNextStart_withNothingLostOrRepeated() throws Exception {
        String eventId;
        try (HeraldLocal first = HeraldLocal.start(options().withDataDir(data))) {
            // given: 5,000 members, read 500 a page; herald local stops once the fan-out is under way
            subscribe(first, "everyone", 5000);
            eventId = LocalFixture.publish(first, "demo.app", "news.published", "{\"topic\":\"everyone\",\"headline\":\"Winter timetable\"}");
            String id = eventId;
            LocalFixture.await("the first page", Duration.ofSeconds(60),
                    () -> first.fanOutProgress(id).map(p -> p.pages() >= 1).orElse(false));
        }

        // when
        try (HeraldLocal second = HeraldLocal.start(options().withDataDir(data))) {
            FanOutProgress.Progress progress = awaitFanOut(second, eventId, 5000);

            // then
            assertThat(progress.membersResolved()).as("each page counted once").isEqualTo(5000);
            assertThat(byRecipient(second, eventId)).hasSize(5000).allSatisfy((member, deliveries) -> assertThat(deliveries).hasSize(1));
            assertNothingDeadLettered(second);
        }
    }

    @Test
    void everyQueueMessageArrivingTwice_sendsEachMemberOneFrame() throws Exception {
        try (HeraldLocal local = HeraldLocal.start(options())) {
            // given: 1,200 members, three of them connected; every batch of every queue is handed over twice
            subscribe(local, "travel", 1200);
            List<LocalFixture.Client> clients = new ArrayList<>();
            for (String member : List.of("member-00000", "member-00600", "member-01199")) {
                clients.add(LocalFixture.Client.connect(local, local.token(member, Duration.ofMinutes(5))));
            }
            local.faults().addRate("invocations", "duplicate", 1.0);

            // when
            String eventId = LocalFixture.publish(local, "demo.app", "news.published", "{\"topic\":\"travel\",\"headline\":\"Winter timetable\"}");
            FanOutProgress.Progress progress = awaitFanOut(local, eventId, 1200);
            LocalFixture.await("three items", Duration.ofSeconds(30), () -> clients.stream().allMatch(c -> c.itemsWaiting() > 0));
            Thread.sleep(500);

            // then
            local.faults().clear();
            assertThat(clients).allSatisfy(c -> assertThat(c.itemsWaiting()).isEqualTo(1));
            assertThat(progress.membersResolved()).isEqualTo(1200);
            assertThat(byRecipient(local, eventId)).hasSize(1200).allSatisfy((member, deliveries) -> assertThat(deliveries).hasSize(1));
            clients.forEach(LocalFixture.Client::close);
        }
    }

    @Test
    void providerThrottling_isAbsorbed_everyEmailSentOnce_andNothingDeadLettered() throws Exception {
        // given: SES accepts 4 emails a second; the email channel is not paced, so it meets SES's throttling
        try (HeraldLocal local = HeraldLocal.start(options().withSendRate(Channel.EMAIL, 0))) {
            local.faults().limit(Faults.Service.SES, 4);

            // when
            List<String> events = publishBookings(local, 20);
            LocalFixture.await("20 emails", Duration.ofSeconds(60), () -> local.outbox().emailsSent() >= 20);
            LocalFixture.await("every email delivery final", Duration.ofSeconds(30), () -> events.stream()
                    .allMatch(id -> local.deliveries().forNotification(id).stream()
                            .filter(d -> d.channel() == Channel.EMAIL && d.typeId().equals("booking.created"))
                            .allMatch(d -> DeliveryStatus.WENT_OUT.contains(d.status()))));

            // then
            Map<String, Long> emailsPerAddress = local.outbox().emails().stream()
                    .flatMap(e -> e.to().stream()).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(emailsPerAddress).hasSize(20).allSatisfy((address, count) -> assertThat(count).isEqualTo(1));
            assertThat(local.faults().limits().get(Faults.Service.SES).throttled()).as("SES did throttle").isPositive();
            assertNothingDeadLettered(local);
        }
    }

    @Test
    void pacedEmails_stayWithinTheProvidersRateInEverySecond_eachSentOnce() throws Exception {
        // given: the email channel paced, and SES limited, to 20 a second; 100 guests, one email each
        try (HeraldLocal local = HeraldLocal.start(options().withSendRate(Channel.EMAIL, 20))) {
            List<String> events = publishBookings(local, 100);

            // when
            LocalFixture.await("100 emails", Duration.ofSeconds(60), () -> local.outbox().emailsSent() >= 100);

            // then
            Map<Long, Long> perSecond = local.outbox().emails().stream()
                    .collect(Collectors.groupingBy(e -> e.at().getEpochSecond(), Collectors.counting()));
            assertThat(perSecond.values()).allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(20));
            assertThat(local.outbox().emails().stream().flatMap(e -> e.to().stream()).distinct().count()).isEqualTo(100);
            assertThat(events).hasSize(100);
            assertNothingDeadLettered(local);
        }
    }

    /** One booking.created per guest, each guest with a profile and an address; returns the event ids. */
    private static List<String> publishBookings(HeraldLocal local, int guests) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < guests; i++) {
            local.recipients().put(new RecipientProfile("guest-" + i, "en", "UTC", "guest" + i + "@example.com", null, Map.of(), null,
                    Instant.now()));
        }
        for (int i = 0; i < guests; i++) {
            events.add(LocalFixture.publish(local, "demo.app", "booking.created", "{\"userId\":\"guest-" + i + "\",\"bookingId\":\"BK-" + i
                    + "\",\"hotelName\":\"Hotel\",\"checkIn\":\"2026-12-24\",\"nights\":2}"));
        }
        return events;
    }

    private static void subscribe(HeraldLocal local, String topic, int members) {
        for (int i = 0; i < members; i++) {
            String id = "member-%05d".formatted(i);
            local.recipients().put(TopicAudience.realisticProfile(id));
            local.recipients().subscribe(topic, id);
        }
    }

    private static FanOutProgress.Progress awaitFanOut(HeraldLocal local, String eventId, int members) throws InterruptedException {
        LocalFixture.await(members + " deliveries", Duration.ofSeconds(120), () -> local.fanOutProgress(eventId)
                .map(p -> p.complete() && p.deliveriesCreated() >= members).orElse(false));
        return local.fanOutProgress(eventId).orElseThrow();
    }

    private static Map<String, List<Delivery>> byRecipient(HeraldLocal local, String eventId) {
        return local.deliveries().forNotification(eventId).stream().collect(Collectors.groupingBy(Delivery::recipientId));
    }

    private static void assertNothingDeadLettered(HeraldLocal local) {
        assertThat(local.deadLetters().list()).isEmpty();
        assertThat(local.queueDepths()).filteredOn(d -> d.queue().endsWith(LocalQueues.DLQ_SUFFIX))
                .allSatisfy(d -> assertThat(d.total()).as(d.queue()).isZero());
    }
}
