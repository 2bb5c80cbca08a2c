package dev.herald.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryReason;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.recipient.QuietHours;
import dev.herald.recipient.RecipientProfile;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The router's decisions for types that wait: delays, escalations and quiet hours that defer, across time zones. */
class TimedRouterTest {

    private static final Catalog CATALOG = CatalogLoader.parse("test-catalog.yaml", """
            defaults: { email: { from: "n@example.com" } }
            types:
              digest.ready:
                recipients: { userId: detail.userId }
                category: news
                channels: [websocket, push, email]
                quietHours: defer
              booking.reminder:
                recipients: { userId: detail.userId }
                category: bookings
                channels: [websocket, push]
                delay: 2h
                quietHours: defer
              message.received:
                recipients: { userId: detail.userId }
                category: messages
                channels: [websocket, {email: {after: 30m, unlessRead: true}}]
              security.alert:
                recipients: { userId: detail.userId }
                category: security
                priority: critical
                channels: [push, email]
                quietHours: defer
            """);

    private final Router router = new Router();

    private static ResolvedRecipient recipientIn(String zone, LocalTime quietStart, LocalTime quietEnd) {
        RecipientProfile profile = new RecipientProfile("u1", "fr", zone, "a@example.com", "Camille", Map.of(),
                new QuietHours(quietStart, quietEnd), null);
        return new ResolvedRecipient("u1", profile, List.of(new Device("u1", "d1", Platform.GCM, "t", "arn", true, null)), "a@example.com", false);
    }

    private static Route on(List<Route> routes, Channel channel) {
        return routes.stream().filter(r -> r.channel() == channel).findFirst().orElseThrow();
    }

    @Test
    void route_deferDuringQuietHoursThatWrapMidnight_holdsPushAndEmailUntilTheirEndInTheRecipientsZone() {
        // given: 23:30 in Paris, quiet from 22:00 to 07:00
        Instant now = Instant.parse("2026-11-23T22:30:00Z");

        // when
        var routes = router.route(CATALOG.require("digest.ready"), recipientIn("Europe/Paris", LocalTime.of(22, 0), LocalTime.of(7, 0)), now);

        // then: 07:00 Paris is 06:00 UTC the next day; the inbox is not held
        assertThat(on(routes, Channel.WEBSOCKET).waits()).isFalse();
        for (Channel held : List.of(Channel.PUSH, Channel.EMAIL)) {
            assertThat(on(routes, held).dueAt()).isEqualTo(Instant.parse("2026-11-24T06:00:00Z"));
            assertThat(on(routes, held).waitReason()).isEqualTo(DeliveryReason.QUIET_HOURS);
        }
    }

    @Test
    void route_sameInstantInAnotherZone_endsAtThatZonesMorning() {
        // given: 22:30 UTC is 17:30 in New York, inside quiet hours 17:00-08:00 there
        Instant now = Instant.parse("2026-11-23T22:30:00Z");

        // when
        var routes = router.route(CATALOG.require("digest.ready"), recipientIn("America/New_York", LocalTime.of(17, 0), LocalTime.of(8, 0)), now);

        // then: 08:00 in New York (UTC-5) is 13:00 UTC
        assertThat(on(routes, Channel.PUSH).dueAt()).isEqualTo(Instant.parse("2026-11-24T13:00:00Z"));
    }

    @Test
    void route_outsideQuietHours_sendsAtOnce() {
        // given: noon in Paris
        Instant now = Instant.parse("2026-11-23T11:00:00Z");

        // when
        var routes = router.route(CATALOG.require("digest.ready"), recipientIn("Europe/Paris", LocalTime.of(22, 0), LocalTime.of(7, 0)), now);

        // then
        assertThat(routes).allSatisfy(r -> assertThat(r.waits()).isFalse());
    }

    @Test
    void route_criticalType_ignoresQuietHoursThatDefer() {
        // given
        Instant now = Instant.parse("2026-11-23T22:30:00Z");

        // when
        var routes = router.route(CATALOG.require("security.alert"), recipientIn("Europe/Paris", LocalTime.of(22, 0), LocalTime.of(7, 0)), now);

        // then
        assertThat(routes).allSatisfy(r -> assertThat(r.sends() && !r.waits()).isTrue());
    }

    @Test
    void route_delayThatEndsInQuietHours_isHeldUntilTheyEnd() {
        // given: 21:00 in Paris plus a 2 h delay is 23:00, in quiet hours until 07:00
        Instant now = Instant.parse("2026-11-23T20:00:00Z");
        Instant due = now.plus(Duration.ofHours(2));

        // when
        var routes = router.route(CATALOG.require("booking.reminder"), recipientIn("Europe/Paris", LocalTime.of(22, 0), LocalTime.of(7, 0)), now, due);

        // then
        assertThat(on(routes, Channel.WEBSOCKET).dueAt()).isEqualTo(due);
        assertThat(on(routes, Channel.WEBSOCKET).waitReason()).isEqualTo(DeliveryReason.DELAYED);
        assertThat(on(routes, Channel.PUSH).dueAt()).isEqualTo(Instant.parse("2026-11-24T06:00:00Z"));
        assertThat(on(routes, Channel.PUSH).waitReason()).isEqualTo(DeliveryReason.QUIET_HOURS);
    }

    @Test
    void route_escalatedChannel_waitsItsTimeBehindTheInAppItem() {
        // given
        Instant now = Instant.parse("2026-11-23T11:00:00Z");

        // when
        var routes = router.route(CATALOG.require("message.received"), recipientIn("Europe/Paris", LocalTime.of(22, 0), LocalTime.of(7, 0)), now);

        // then
        assertThat(on(routes, Channel.WEBSOCKET).waits()).isFalse();
        assertThat(on(routes, Channel.EMAIL).dueAt()).isEqualTo(now.plus(Duration.ofMinutes(30)));
        assertThat(on(routes, Channel.EMAIL).waitReason()).isEqualTo(DeliveryReason.ESCALATION);
    }
}
