package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Idempotency keys, delays, cancels, quiet hours that defer and escalations, end to end on herald local with a
 * driven clock: events go in through PutEvents, what waits is held by the Scheduler stand-in, and the clock makes it due.
 */
class TimeAwareTest {

    /** Noon in Paris, 1 December 2026. */
    private static final Instant START = Instant.parse("2026-12-01T11:00:00Z");
    /** The shipped catalog plus a critical type whose quiet hours would defer, were it not critical. */
    private static final Path TEMPLATES = LocalFixture.templatesWithType("security.alert", "message.received", """
              security.alert:
                pattern: { source: [demo.app], detail-type: [security.alert] }
                recipients: { userId: detail.toUserId }
                category: security
                priority: critical
                channels: [websocket, email]
                quietHours: defer
            """);

    private final DrivenClock clock = new DrivenClock(START);
    private HeraldLocal local;

    @BeforeEach
    void start() {
        local = HeraldLocal.start(LocalOptions.defaults(TEMPLATES).withPort(0).withRetries(LocalFixture.options().retries()).withClock(clock));
    }

    @AfterEach
    void stop() {
        local.close();
    }

    private static String booking(String user, String bookingId, String checkIn, String idempotencyKey) {
        return "{\"userId\":\"" + user + "\",\"bookingId\":\"" + bookingId + "\",\"hotelName\":\"Hôtel du Lac\",\"city\":\"Annecy\","
                + "\"checkIn\":\"" + checkIn + "\",\"nights\":2,\"guests\":2,\"total\":{\"amount\":300,\"currency\":\"EUR\"},"
                + "\"manageUrl\":\"https://app.example/b\"" + (idempotencyKey == null ? "" : ",\"idempotencyKey\":\"" + idempotencyKey + "\"") + "}";
    }

    private void upsert(String user, String zone, String quietStart, String quietEnd) throws InterruptedException {
        String quiet = quietStart == null ? "" : ",\"quietHours\":{\"start\":\"" + quietStart + "\",\"end\":\"" + quietEnd + "\"}";
        LocalFixture.publish(local, "demo.app", "Recipient Upserted", "{\"recipientId\":\"" + user + "\",\"locale\":\"en\",\"timeZone\":\"" + zone
                + "\",\"email\":\"" + user + "@example.com\"" + quiet + "}");
        LocalFixture.await("profile of " + user, Duration.ofSeconds(10), () -> local.recipients().find(user)
                .filter(p -> p.timeZone().equals(zone) && (quietStart == null) == (p.quietHours() == null)).isPresent());
    }

    private Map<String, Delivery> deliveriesOf(String eventId, String type) {
        return local.deliveries().forNotification(eventId).stream().filter(d -> d.typeId().equals(type))
                .collect(Collectors.toMap(d -> d.channel().id(), d -> d));
    }

    /** The reminder's deliveries on the channels that can reach a recipient without a device: in-app and email. */
    private List<Delivery> waiting(String eventId) {
        Map<String, Delivery> reminder = deliveriesOf(eventId, "booking.checkin-reminder");
        return List.of(reminder.get("websocket"), reminder.get("email"));
    }

    private void settle(String what) throws InterruptedException {
        LocalFixture.await(what, Duration.ofSeconds(20), () -> local.inFlight() == 0);
    }

    /** Makes the clock say {@code to}, fires what is due and waits until it has been handled. */
    private void at(Instant to) throws InterruptedException {
        clock.set(to);
        local.runDueSchedules();
        settle("what came due at " + to);
    }

    private long emailsTo(String address, String subjectPart) {
        return local.outbox().emails().stream().filter(e -> e.to().contains(address) && e.subject().contains(subjectPart)).count();
    }

    @Test
    void retriedPublish_sameKeyDifferentEventIds_notifiesOnceAndReportsTheDuplicate() throws Exception {
        // given
        upsert("guest-1", "Europe/Paris", null, null);

        // when: the app retries its PutEvents; the second call carries the same idempotency key under a new event id
        String first = LocalFixture.publish(local, "demo.app", "booking.created", booking("guest-1", "BK-1", "2026-12-20", "BK-1"));
        settle("the first booking");
        String retried = LocalFixture.publish(local, "demo.app", "booking.created", booking("guest-1", "BK-1", "2026-12-20", "BK-1"));
        settle("the retried booking");

        // then
        assertThat(deliveriesOf(first, "booking.created")).hasSize(3);
        assertThat(local.deliveries().forNotification(retried)).isNotEmpty().allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SKIPPED);
            assertThat(d.reason()).startsWith(DeliveryReason.DUPLICATE + ": event " + first);
        });
        assertThat(emailsTo("guest-1@example.com", "Booking confirmed")).isEqualTo(1);
    }

    @Test
    void sendAt_reminderWaitsScheduledUntilTheDayBeforeCheckInThenSends() throws Exception {
        // given
        upsert("guest-2", "Europe/Paris", null, null);

        // when
        String eventId = LocalFixture.publish(local, "demo.app", "booking.created", booking("guest-2", "BK-2", "2026-12-04", null));
        settle("the booking");

        // then: the reminder is held for 3 December, 00:00 UTC, visible with its due time (push has no device to wait for)
        Instant due = Instant.parse("2026-12-03T00:00:00Z");
        assertThat(deliveriesOf(eventId, "booking.checkin-reminder").get("push").reason()).isEqualTo(DeliveryReason.NO_DEVICE);
        assertThat(waiting(eventId)).hasSize(2).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SCHEDULED);
            assertThat(d.reason()).isEqualTo(DeliveryReason.DELAYED);
            assertThat(d.dueAt()).isEqualTo(due);
        });
        assertThat(local.schedules()).isNotEmpty();

        // when: a minute before, nothing; then the time comes
        at(due.minusSeconds(60));
        assertThat(emailsTo("guest-2@example.com", "Check-in tomorrow")).isZero();
        at(due.plusSeconds(2));

        // then
        LocalFixture.await("the reminder email", Duration.ofSeconds(10), () -> emailsTo("guest-2@example.com", "Check-in tomorrow") == 1);
        assertThat(deliveriesOf(eventId, "booking.checkin-reminder").get("email").status())
                .isIn(DeliveryStatus.SENT, DeliveryStatus.DELIVERED);
        assertThat(local.schedules()).isEmpty();
    }

    @Test
    void cancelInTime_withdrawsTheWaitingReminder_andACancelTooLateChangesNothing() throws Exception {
        // given: two bookings, each with a reminder waiting
        upsert("guest-3", "Europe/Paris", null, null);
        String cancelled = LocalFixture.publish(local, "demo.app", "booking.created", booking("guest-3", "BK-3", "2026-12-04", null));
        String kept = LocalFixture.publish(local, "demo.app", "booking.created", booking("guest-3", "BK-4", "2026-12-04", null));
        settle("the bookings");

        // when: BK-3 is cancelled before its reminder is due
        LocalFixture.publish(local, "demo.app", "booking.cancelled", "{\"bookingId\":\"BK-3\",\"userId\":\"guest-3\"}");
        settle("the cancel");

        // then
        assertThat(waiting(cancelled)).hasSize(2).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SKIPPED);
            assertThat(d.reason()).isEqualTo(DeliveryReason.CANCELLED);
        });

        // when: BK-4's reminder goes out, and only then is BK-4 cancelled
        at(Instant.parse("2026-12-03T00:00:05Z"));
        LocalFixture.await("the kept reminder sent", Duration.ofSeconds(10),
                () -> DeliveryStatus.WENT_OUT.contains(deliveriesOf(kept, "booking.checkin-reminder").get("email").status()));
        LocalFixture.publish(local, "demo.app", "booking.cancelled", "{\"bookingId\":\"BK-4\",\"userId\":\"guest-3\"}");
        settle("the late cancel");

        // then: the late cancel changed nothing, and the cancelled reminder never went out
        assertThat(deliveriesOf(kept, "booking.checkin-reminder").get("email").status())
                .isIn(DeliveryStatus.SENT, DeliveryStatus.DELIVERED);
        assertThat(emailsTo("guest-3@example.com", "Check-in tomorrow")).isEqualTo(1);
    }

    @Test
    void quietHoursDefer_holdsPushAndEmailUntilEachRecipientsMorning_acrossZonesAndMidnight() throws Exception {
        // given: 23:30 in Paris (quiet 22:00-07:00) is 17:30 in New York (quiet 17:00-08:00)
        upsert("paris", "Europe/Paris", "22:00", "07:00");
        upsert("new-york", "America/New_York", "17:00", "08:00");
        clock.set(Instant.parse("2026-12-01T22:30:00Z"));

        // when: reminders due at once (check-in tomorrow)
        String inParis = LocalFixture.publish(local, "demo.app", "booking.created", booking("paris", "BK-P", "2026-12-02", null));
        String inNewYork = LocalFixture.publish(local, "demo.app", "booking.created", booking("new-york", "BK-N", "2026-12-02", null));
        settle("the bookings");

        // then: the in-app item is there now; push and email wait for 07:00 Paris (06:00 UTC) and 08:00 New York (13:00 UTC)
        Map<String, Delivery> paris = deliveriesOf(inParis, "booking.checkin-reminder");
        assertThat(paris.get("websocket").status()).isIn(DeliveryStatus.SENT, DeliveryStatus.PENDING);
        assertThat(paris.get("email").status()).isEqualTo(DeliveryStatus.SCHEDULED);
        assertThat(paris.get("email").reason()).isEqualTo(DeliveryReason.QUIET_HOURS);
        assertThat(paris.get("email").dueAt()).isEqualTo(Instant.parse("2026-12-02T06:00:00Z"));
        assertThat(deliveriesOf(inNewYork, "booking.checkin-reminder").get("email").dueAt()).isEqualTo(Instant.parse("2026-12-02T13:00:00Z"));

        // when: morning in Paris
        at(Instant.parse("2026-12-02T06:00:02Z"));

        // then: Paris has its email, New York still sleeps
        LocalFixture.await("the Paris email", Duration.ofSeconds(10), () -> emailsTo("paris@example.com", "Check-in tomorrow") == 1);
        assertThat(deliveriesOf(inNewYork, "booking.checkin-reminder").get("email").status()).isEqualTo(DeliveryStatus.SCHEDULED);

        // when: morning in New York
        at(Instant.parse("2026-12-02T13:00:02Z"));

        // then
        LocalFixture.await("the New York email", Duration.ofSeconds(10), () -> emailsTo("new-york@example.com", "Check-in tomorrow") == 1);
    }

    @Test
    void quietHoursDefer_criticalType_isSentAtOnceInTheNight() throws Exception {
        // given: 23:30 in Paris, quiet from 22:00 to 07:00
        upsert("paris-critical", "Europe/Paris", "22:00", "07:00");
        clock.set(Instant.parse("2026-12-01T22:30:00Z"));

        // when
        String eventId = LocalFixture.publish(local, "demo.app", "security.alert", "{\"toUserId\":\"paris-critical\",\"fromName\":\"Security\","
                + "\"preview\":\"New sign-in\",\"conversationUrl\":\"https://app.example/s\"}");
        settle("the alert");

        // then: nothing waits
        LocalFixture.await("the alert email", Duration.ofSeconds(10), () -> emailsTo("paris-critical@example.com", "New message") == 1);
        assertThat(deliveriesOf(eventId, "security.alert").get("email").status())
                .isIn(DeliveryStatus.SENT, DeliveryStatus.DELIVERED);
        assertThat(local.schedules()).isEmpty();
    }

    @Test
    void quietHoursLengthenedWhileWaiting_holdTheDeliveryUntilTheNewEnd() throws Exception {
        // given: deferred until 07:00 Paris
        upsert("late-riser", "Europe/Paris", "22:00", "07:00");
        clock.set(Instant.parse("2026-12-01T22:30:00Z"));
        String eventId = LocalFixture.publish(local, "demo.app", "booking.created", booking("late-riser", "BK-L", "2026-12-02", null));
        settle("the booking");

        // when: the recipient now sleeps until 09:00, and 07:00 comes
        upsert("late-riser", "Europe/Paris", "22:00", "09:00");
        at(Instant.parse("2026-12-02T06:00:02Z"));

        // then: still held, now until 09:00 Paris (08:00 UTC)
        Delivery email = deliveriesOf(eventId, "booking.checkin-reminder").get("email");
        assertThat(email.status()).isEqualTo(DeliveryStatus.SCHEDULED);
        assertThat(email.dueAt()).isEqualTo(Instant.parse("2026-12-02T08:00:00Z"));
        at(Instant.parse("2026-12-02T08:00:02Z"));
        LocalFixture.await("the email at the new end", Duration.ofSeconds(10), () -> emailsTo("late-riser@example.com", "Check-in tomorrow") == 1);
    }

    @Test
    void quietHoursShortenedOrDropped_releaseWhatWaitedAtTheirNewEnd() throws Exception {
        // given: two recipients deferred until 07:00 Paris
        upsert("early-riser", "Europe/Paris", "22:00", "07:00");
        upsert("night-owl", "Europe/Paris", "22:00", "07:00");
        clock.set(Instant.parse("2026-12-01T22:30:00Z"));
        String early = LocalFixture.publish(local, "demo.app", "booking.created", booking("early-riser", "BK-E", "2026-12-02", null));
        String owl = LocalFixture.publish(local, "demo.app", "booking.created", booking("night-owl", "BK-O", "2026-12-02", null));
        settle("the bookings");

        // when: one now wakes at 06:00, the other drops quiet hours altogether
        upsert("early-riser", "Europe/Paris", "22:00", "06:00");
        upsert("night-owl", "Europe/Paris", null, null);
        settle("the waits decided again");

        // then: the night owl's email goes now; the early riser's is held until 06:00 Paris (05:00 UTC), and sent then
        LocalFixture.await("the night owl's email", Duration.ofSeconds(10), () -> emailsTo("night-owl@example.com", "Check-in tomorrow") == 1);
        assertThat(deliveriesOf(owl, "booking.checkin-reminder").get("email").status())
                .isIn(DeliveryStatus.SENT, DeliveryStatus.DELIVERED);
        Delivery held = deliveriesOf(early, "booking.checkin-reminder").get("email");
        assertThat(held.status()).isEqualTo(DeliveryStatus.SCHEDULED);
        assertThat(held.dueAt()).isEqualTo(Instant.parse("2026-12-02T05:00:00Z"));
        at(Instant.parse("2026-12-02T05:00:02Z"));
        LocalFixture.await("the early riser's email", Duration.ofSeconds(10), () -> emailsTo("early-riser@example.com", "Check-in tomorrow") == 1);
    }

    @Test
    void quietHoursDroppedBeforeASendAt_neverSendTheReminderBeforeItsTime() throws Exception {
        // given: a reminder due at 00:00 UTC (01:00 in Paris), inside quiet hours, so held until 07:00 Paris
        upsert("planner", "Europe/Paris", "22:00", "07:00");
        String eventId = LocalFixture.publish(local, "demo.app", "booking.created", booking("planner", "BK-Q", "2026-12-03", null));
        settle("the booking");
        assertThat(deliveriesOf(eventId, "booking.checkin-reminder").get("email").dueAt()).isEqualTo(Instant.parse("2026-12-02T06:00:00Z"));

        // when: at noon the recipient drops their quiet hours
        upsert("planner", "Europe/Paris", null, null);
        settle("the wait decided again");

        // then: not sent now, but at its own time
        Delivery email = deliveriesOf(eventId, "booking.checkin-reminder").get("email");
        assertThat(email.status()).isEqualTo(DeliveryStatus.SCHEDULED);
        assertThat(email.dueAt()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
        assertThat(emailsTo("planner@example.com", "Check-in tomorrow")).isZero();
        at(Instant.parse("2026-12-02T00:00:02Z"));
        LocalFixture.await("the reminder at its time", Duration.ofSeconds(10), () -> emailsTo("planner@example.com", "Check-in tomorrow") == 1);
    }

    @Test
    void optOutWhileWaiting_withdrawsTheWaitingEmail() throws Exception {
        // given: an escalating email waits
        upsert("opting-out", "Europe/Paris", null, null);
        String eventId = LocalFixture.publish(local, "demo.app", "message.received", "{\"toUserId\":\"opting-out\",\"fromName\":\"Host\","
                + "\"preview\":\"Room ready\",\"conversationUrl\":\"https://app.example/c\"}");
        settle("the message");

        // when: the recipient turns messages off by email, and the escalation comes due
        LocalFixture.publish(local, "demo.app", "Recipient Upserted", "{\"recipientId\":\"opting-out\",\"timeZone\":\"Europe/Paris\","
                + "\"email\":\"opting-out@example.com\",\"optOuts\":{\"messages\":[\"email\"]}}");
        LocalFixture.await("the opt-out", Duration.ofSeconds(10), () -> local.recipients().find("opting-out")
                .filter(p -> !p.optOuts().isEmpty()).isPresent());
        at(START.plus(Duration.ofMinutes(30)).plusSeconds(2));

        // then
        Delivery email = deliveriesOf(eventId, "message.received").get("email");
        assertThat(email.status()).isEqualTo(DeliveryStatus.SKIPPED);
        assertThat(email.reason()).isEqualTo(DeliveryReason.OPTED_OUT);
        assertThat(emailsTo("opting-out@example.com", "New message")).isZero();
    }

    @Test
    void escalation_emailSkippedWhenTheInAppItemWasRead_andSentWhenItWasNot() throws Exception {
        // given
        upsert("reader", "Europe/Paris", null, null);
        upsert("ignorer", "Europe/Paris", null, null);
        String read = LocalFixture.publish(local, "demo.app", "message.received", "{\"toUserId\":\"reader\",\"fromName\":\"Host\","
                + "\"preview\":\"Room ready\",\"conversationUrl\":\"https://app.example/c\"}");
        String unread = LocalFixture.publish(local, "demo.app", "message.received", "{\"toUserId\":\"ignorer\",\"fromName\":\"Host\","
                + "\"preview\":\"Room ready\",\"conversationUrl\":\"https://app.example/c\"}");
        settle("the messages");
        assertThat(deliveriesOf(read, "message.received").get("email").status()).isEqualTo(DeliveryStatus.SCHEDULED);

        // when: one recipient reads the in-app item ten minutes later
        clock.advance(Duration.ofMinutes(10));
        try (var client = LocalFixture.Client.connect(local, local.token("reader", Duration.ofMinutes(5)))) {
            client.send("{\"action\":\"read\",\"id\":\"" + read + "/message.received\"}");
            LocalFixture.await("the item read", Duration.ofSeconds(10),
                    () -> deliveriesOf(read, "message.received").get("websocket").status() == DeliveryStatus.READ);
        }
        at(START.plus(Duration.ofMinutes(30)).plusSeconds(2));

        // then
        Delivery skipped = deliveriesOf(read, "message.received").get("email");
        assertThat(skipped.status()).isEqualTo(DeliveryStatus.SKIPPED);
        assertThat(skipped.reason()).isEqualTo(DeliveryReason.READ_IN_APP);
        LocalFixture.await("the escalated email", Duration.ofSeconds(10), () -> emailsTo("ignorer@example.com", "New message") == 1);
        assertThat(emailsTo("reader@example.com", "New message")).isZero();
    }

    @Test
    void statusOfAScheduledDelivery_showsItsDueTime() throws Exception {
        // given
        upsert("guest-s", "Europe/Paris", null, null);
        String eventId = LocalFixture.publish(local, "demo.app", "booking.created", booking("guest-s", "BK-S", "2026-12-10", null));
        settle("the booking");

        // when
        var status = LocalFixture.get(local, "/local/status/" + eventId);

        // then
        assertThat(status.statusCode()).isEqualTo(200);
        var email = StreamSupport.stream(LocalFixture.json(status.body()).path("deliveries").spliterator(), false)
                .filter(d -> d.path("key").path("channel").asText().equals("email")
                        && d.path("key").path("typeId").asText().equals("booking.checkin-reminder"))
                .findFirst().orElseThrow();
        assertThat(email.path("status").asText()).isEqualTo("SCHEDULED");
        assertThat(email.path("dueAt").asText()).isEqualTo("2026-12-09T00:00:00Z");
    }
}
