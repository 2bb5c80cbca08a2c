package dev.herald.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.recipient.QuietHours;
import dev.herald.recipient.RecipientProfile;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static final Catalog CATALOG = CatalogLoader.parse("test-catalog.yaml", """
            defaults: { email: { from: "n@example.com" } }
            types:
              booking.created:
                recipients: { userId: detail.userId }
                category: bookings
                channels: [websocket, push, email]
              reminder:
                recipients: { userId: detail.userId }
                category: bookings
                channels: [push, email, websocket]
                delivery: first
              security.alert:
                recipients: { userId: detail.userId }
                category: security
                priority: critical
                channels: [push, email]
            """);
    // 23:30 in Paris (UTC+1 in November)
    private static final Instant LATE_EVENING_PARIS = Instant.parse("2026-11-23T22:30:00Z");
    private static final Instant NOON_PARIS = Instant.parse("2026-11-23T11:00:00Z");

    private final Router router = new Router();

    private static ResolvedRecipient recipient(Map<String, Set<Channel>> optOuts, boolean withDevice, String email) {
        RecipientProfile profile = new RecipientProfile("u1", "fr", "Europe/Paris", email, "Camille", optOuts,
                new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)), null);
        List<Device> devices = withDevice ? List.of(new Device("u1", "d1", Platform.GCM, "t", "arn", true, null)) : List.of();
        return new ResolvedRecipient("u1", profile, devices, email, false);
    }

    private static Map<Channel, String> decisions(List<Route> routes) {
        Map<Channel, String> m = new java.util.EnumMap<>(Channel.class);
        routes.forEach(r -> m.put(r.channel(), r.sends() ? "send" : r.reason()));
        return m;
    }

    @Test
    void route_allStrategy_sendsOnEveryReachableChannel() {
        // when
        var routes = router.route(CATALOG.require("booking.created"), recipient(Map.of(), true, "a@example.com"), NOON_PARIS);

        // then
        assertThat(decisions(routes)).containsExactlyInAnyOrderEntriesOf(Map.of(Channel.WEBSOCKET, "send", Channel.PUSH, "send", Channel.EMAIL, "send"));
    }

    @Test
    void route_missingContactPoints_skipsWithReasons() {
        // when
        var routes = router.route(CATALOG.require("booking.created"), recipient(Map.of(), false, null), NOON_PARIS);

        // then
        assertThat(decisions(routes)).containsExactlyInAnyOrderEntriesOf(Map.of(Channel.WEBSOCKET, "send", Channel.PUSH, "no_device", Channel.EMAIL, "no_address"));
    }

    @Test
    void route_recipientWithoutProfile_stillGetsTheInbox() {
        // given
        ResolvedRecipient unknown = new ResolvedRecipient("u9", null, List.of(), null, false);

        // when
        var routes = router.route(CATALOG.require("booking.created"), unknown, NOON_PARIS);

        // then
        assertThat(decisions(routes)).containsExactlyInAnyOrderEntriesOf(Map.of(Channel.WEBSOCKET, "send", Channel.PUSH, "no_device", Channel.EMAIL, "no_address"));
    }

    @Test
    void route_optOut_skipsThatChannelOnly() {
        // when
        var routes = router.route(CATALOG.require("booking.created"), recipient(Map.of("bookings", Set.of(Channel.EMAIL)), true, "a@example.com"), NOON_PARIS);

        // then
        assertThat(decisions(routes)).containsEntry(Channel.EMAIL, "opted_out").containsEntry(Channel.PUSH, "send");
    }

    @Test
    void route_unsubscribedWithLink_skipsThatChannelLikeAProfileOptOut() {
        // given: the profile allows email, the recipient used the one-click link of a bookings email
        ResolvedRecipient r = recipient(Map.of(), true, "a@example.com");
        ResolvedRecipient unsubscribed = new ResolvedRecipient(r.id(), r.profile(), r.devices(), r.email(), false,
                Map.of("bookings", Set.of(Channel.EMAIL)));

        // when
        var routes = router.route(CATALOG.require("booking.created"), unsubscribed, NOON_PARIS);

        // then
        assertThat(decisions(routes)).containsExactlyInAnyOrderEntriesOf(Map.of(Channel.WEBSOCKET, "send", Channel.PUSH, "send", Channel.EMAIL, "opted_out"));
    }

    @Test
    void route_unsubscribedWithoutProfile_isHonoured() {
        // given: an address named in the event, no profile
        ResolvedRecipient direct = new ResolvedRecipient("email-abc", null, List.of(), "a@example.com", false,
                Map.of("bookings", Set.of(Channel.EMAIL)));

        // when
        var routes = router.route(CATALOG.require("booking.created"), direct, NOON_PARIS);

        // then
        assertThat(decisions(routes)).containsEntry(Channel.EMAIL, "opted_out").containsEntry(Channel.WEBSOCKET, "send");
    }

    @Test
    void route_unsubscribedFromAnotherCategory_stillSends() {
        // given
        ResolvedRecipient direct = new ResolvedRecipient("email-abc", null, List.of(), "a@example.com", false,
                Map.of("marketing", Set.of(Channel.EMAIL)));

        // when
        var routes = router.route(CATALOG.require("booking.created"), direct, NOON_PARIS);

        // then
        assertThat(decisions(routes)).containsEntry(Channel.EMAIL, "send");
    }

    @Test
    void route_criticalType_ignoresUnsubscribes() {
        // given
        ResolvedRecipient r = recipient(Map.of(), true, "a@example.com");
        ResolvedRecipient unsubscribed = new ResolvedRecipient(r.id(), r.profile(), r.devices(), r.email(), false,
                Map.of("security", Set.of(Channel.EMAIL)));

        // when
        var routes = router.route(CATALOG.require("security.alert"), unsubscribed, NOON_PARIS);

        // then
        assertThat(decisions(routes)).containsEntry(Channel.EMAIL, "send");
    }

    @Test
    void route_quietHoursInRecipientsZone_skipPushAndEmailButNotInbox() {
        // when
        var routes = router.route(CATALOG.require("booking.created"), recipient(Map.of(), true, "a@example.com"), LATE_EVENING_PARIS);

        // then
        assertThat(decisions(routes)).containsExactlyInAnyOrderEntriesOf(Map.of(Channel.WEBSOCKET, "send", Channel.PUSH, "quiet_hours", Channel.EMAIL, "quiet_hours"));
    }

    @Test
    void route_sameInstant_quietHoursFollowEachRecipientsOwnZone() {
        // given: 22:30 UTC is 23:30 in Paris (quiet), 17:30 in New York and 07:30 the next morning in Tokyo (not quiet)
        var type = CATALOG.require("booking.created");

        // when
        var paris = router.route(type, recipientIn("Europe/Paris"), LATE_EVENING_PARIS);
        var newYork = router.route(type, recipientIn("America/New_York"), LATE_EVENING_PARIS);
        var tokyo = router.route(type, recipientIn("Asia/Tokyo"), LATE_EVENING_PARIS);

        // then
        assertThat(decisions(paris)).containsEntry(Channel.PUSH, "quiet_hours").containsEntry(Channel.EMAIL, "quiet_hours");
        assertThat(decisions(newYork)).containsEntry(Channel.PUSH, "send").containsEntry(Channel.EMAIL, "send");
        assertThat(decisions(tokyo)).containsEntry(Channel.PUSH, "send").containsEntry(Channel.EMAIL, "send");
    }

    private static ResolvedRecipient recipientIn(String timeZone) {
        RecipientProfile profile = new RecipientProfile("u1", "en", timeZone, "a@example.com", "Sam", Map.of(),
                new QuietHours(LocalTime.of(22, 0), LocalTime.of(7, 0)), null);
        return new ResolvedRecipient("u1", profile, List.of(new Device("u1", "d1", Platform.GCM, "t", "arn", true, null)), "a@example.com", false);
    }

    @Test
    void route_criticalType_ignoresQuietHoursAndOptOuts() {
        // when
        var routes = router.route(CATALOG.require("security.alert"), recipient(Map.of("security", Set.of(Channel.PUSH)), true, "a@example.com"), LATE_EVENING_PARIS);

        // then
        assertThat(decisions(routes)).containsExactlyInAnyOrderEntriesOf(Map.of(Channel.PUSH, "send", Channel.EMAIL, "send"));
    }

    @Test
    void route_firstStrategy_fallsBackToNextChannelWithReason() {
        // given
        NotificationType reminder = CATALOG.require("reminder");

        // when
        var routes = router.route(reminder, recipient(Map.of(), false, "a@example.com"), NOON_PARIS);

        // then
        assertThat(routes).extracting(Route::channel).containsExactly(Channel.PUSH, Channel.EMAIL);
        assertThat(decisions(routes)).containsEntry(Channel.PUSH, "no_device").containsEntry(Channel.EMAIL, "send");
    }

    @Test
    void route_firstStrategy_stopsAtFirstReachableChannel() {
        // when
        var routes = router.route(CATALOG.require("reminder"), recipient(Map.of(), true, "a@example.com"), NOON_PARIS);

        // then
        assertThat(routes).extracting(Route::channel).containsExactly(Channel.PUSH);
    }
}
