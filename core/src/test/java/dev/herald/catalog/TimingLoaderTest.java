package dev.herald.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.json.Json;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimingLoaderTest {

    private static NotificationType typeWith(String settings) {
        return typeWith(settings, "[websocket, push, email]", "");
    }

    private static NotificationType typeWith(String settings, String channels, String categories) {
        String yaml = """
                defaults:
                  email: { from: "Herald <n@example.com>" }
                %s
                types:
                  booking.reminder:
                    pattern: { source: [demo.app], detail-type: [booking.reminder] }
                    recipients: { userId: detail.userId }
                    category: bookings
                    channels: %s
                %s
                """.formatted(categories, channels, settings.indent(4));
        return CatalogLoader.parse("catalog.yaml", yaml).require("booking.reminder");
    }

    @Test
    void parse_typeWithoutTiming_dedupesOnTheDefaultKeyAndWaitsForNothing() {
        // when
        Timing timing = typeWith("").timing();

        // then
        assertThat(timing.delay()).isNull();
        assertThat(timing.sendAt()).isNull();
        assertThat(timing.digest()).isNull();
        assertThat(timing.escalations()).isEmpty();
        assertThat(timing.idempotencyKey().path().expression()).isEqualTo("detail.idempotencyKey");
        assertThat(timing.idempotencyKey().window()).isEqualTo(Duration.ofHours(24));
        assertThat(timing.quietHours()).isEqualTo(Timing.QuietHoursPolicy.INBOX_ONLY);
    }

    @Test
    void parse_everySetting_readsThemAll() {
        // when
        Timing timing = typeWith("""
                idempotencyKey: { path: detail.bookingId, window: 2h }
                sendAt: { path: detail.checkIn, before: 1d }
                cancelOn: { event: booking.cancelled, match: detail.bookingId }
                quietHours: defer
                """, "[websocket, {email: {after: 30m, unlessRead: true}}]", "").timing();

        // then
        assertThat(timing.idempotencyKey().path().expression()).isEqualTo("detail.bookingId");
        assertThat(timing.idempotencyKey().window()).isEqualTo(Duration.ofHours(2));
        assertThat(timing.sendAt().before()).isEqualTo(Duration.ofDays(1));
        assertThat(timing.cancelOn()).isEqualTo(new Timing.CancelOn("booking.cancelled", dev.herald.json.JsonPath.parse("detail.bookingId")));
        assertThat(timing.quietHours()).isEqualTo(Timing.QuietHoursPolicy.DEFER);
        assertThat(timing.escalations()).containsEntry(Channel.EMAIL, new Timing.Escalation(Duration.ofMinutes(30), true));
    }

    @Test
    void parse_escalatedChannel_keepsItsPlaceAmongTheChannels() {
        // when
        NotificationType type = typeWith("", "[websocket, {email: {after: 30m, unlessRead: true}}, push]", "");

        // then
        assertThat(type.channels()).containsExactly(Channel.WEBSOCKET, Channel.EMAIL, Channel.PUSH);
    }

    @Test
    void parse_digest_readsWindowKeyAndMax() {
        // when
        Timing.Digest digest = typeWith("digest: { window: 1h, key: detail.hotelId, max: 20 }").timing().digest();

        // then
        assertThat(digest.window()).isEqualTo(Duration.ofHours(1));
        assertThat(digest.max()).isEqualTo(20);
        assertThat(digest.keyOf(Json.parse("{\"detail\":{\"hotelId\":\"h1\"}}"))).isEqualTo("h1");
        assertThat(digest.keyOf(Json.parse("{\"detail\":{}}"))).isEqualTo("-");
    }

    @Test
    void parse_categoryQuietHours_applyToItsTypesThatSetNone() {
        // when
        Timing timing = typeWith("", "[websocket, push]", "categories: { bookings: { quietHours: defer } }").timing();

        // then
        assertThat(timing.quietHours()).isEqualTo(Timing.QuietHoursPolicy.DEFER);
    }

    @Test
    void parse_invalidSettings_failWithWhatToFix() {
        assertThatThrownBy(() -> typeWith("delay: 10m\nsendAt: detail.at")).hasMessageContaining("delay and sendAt both say when to send");
        assertThatThrownBy(() -> typeWith("delay: soon")).hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> typeWith("delay: 0m")).hasMessageContaining("must be longer than zero");
        assertThatThrownBy(() -> typeWith("quietHours: later")).hasMessageContaining("quietHours must be 'defer'");
        assertThatThrownBy(() -> typeWith("cancelOn: { event: booking.cancelled, match: detail.bookingId }"))
                .hasMessageContaining("nothing of this type waits");
        assertThatThrownBy(() -> typeWith("delay: 1h\ncancelOn: { match: detail.bookingId }")).hasMessageContaining("cancelOn.event is required");
        assertThatThrownBy(() -> typeWith("idempotencyKey: bookingId")).hasMessageContaining("must be a path into the event's detail");
        assertThatThrownBy(() -> typeWith("digest: { key: detail.hotelId }")).hasMessageContaining("digest.window is required");
        assertThatThrownBy(() -> typeWith("digest: { window: 1h, max: 1000 }")).hasMessageContaining("digest.max must be a whole number from 2 to 100");
        assertThatThrownBy(() -> typeWith("digest: { window: 1h }\ndelay: 5m")).hasMessageContaining("a digest already waits");
        assertThatThrownBy(() -> typeWith("priority: critical\ndigest: { window: 1h }")).hasMessageContaining("critical type is sent at once");
        assertThatThrownBy(() -> typeWith("", "[push, {email: {after: 30m, unlessRead: true}}]", ""))
                .hasMessageContaining("unlessRead needs websocket");
        assertThatThrownBy(() -> typeWith("", "[websocket, {email: {unlessRead: true}}]", "")).hasMessageContaining("after is required");
        assertThatThrownBy(() -> typeWith("", "[websocket, {email: {after: 5m, when: read}}]", "")).hasMessageContaining("unknown field 'when'");
        assertThatThrownBy(() -> typeWith("delivery: first", "[websocket, {email: {after: 5m}}]", "")).hasMessageContaining("needs delivery: all");
    }

    @Test
    void dueAt_sendAtADayBeforeADate_isThatDayBeforeAtMidnightUtc() {
        // given
        Timing timing = typeWith("sendAt: { path: detail.checkIn, before: 1d }").timing();
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        // when
        Instant due = timing.dueAt(Json.parse("{\"detail\":{\"checkIn\":\"2026-12-24\"}}"), now);

        // then
        assertThat(due).isEqualTo(Instant.parse("2026-12-23T00:00:00Z"));
    }

    @Test
    void dueAt_timeAlreadyPassed_isNow() {
        // given
        Timing timing = typeWith("sendAt: detail.remindAt").timing();
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        // when / then
        assertThat(timing.dueAt(Json.parse("{\"detail\":{\"remindAt\":\"2026-11-30T10:00:00Z\"}}"), now)).isEqualTo(now);
    }

    @Test
    void dueAt_missingOrMalformedSendAt_isRefusedWithTheField() {
        // given
        Timing timing = typeWith("sendAt: detail.remindAt").timing();
        Instant now = Instant.now();

        // when / then
        assertThatThrownBy(() -> timing.dueAt(Json.parse("{\"detail\":{}}"), now)).hasMessageContaining("the event has no detail.remindAt");
        assertThatThrownBy(() -> timing.dueAt(Json.parse("{\"detail\":{\"remindAt\":\"tomorrow\"}}"), now))
                .hasMessageContaining("'tomorrow', not an ISO-8601 time");
    }
}
