package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.processor.status.RecipientUnsubscribedEvent;
import dev.herald.local.aws.Outbox;
import dev.herald.local.bus.EventLog;
import dev.herald.recipient.RecipientProfile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The one-click unsubscribe link of a local email, used over real HTTP as a mail client uses it: the email channel
 * puts it in List-Unsubscribe, {@code /unsubscribe} on herald local's port runs the same handler as the cloud's REST
 * API, and the next booking's email is skipped while the in-app notification still arrives.
 */
class UnsubscribeTest {

    private static final String USER = "user-unsub";
    private static final String ADDRESS = "unsub@example.com";

    /** A herald local of each test's own, closed after it. */
    @AutoClose
    private final HeraldLocal local = LocalFixture.start();

    @Test
    void oneClickPost_toTheEmailsLink_skipsTheNextEmailButNotTheSocket() throws Exception {
        // given: a recipient with an address, holding a live socket, and a first booking emailed to them
        LocalFixture.publish(local, "demo.app", "Recipient Upserted",
                "{\"recipientId\":\"" + USER + "\",\"locale\":\"en\",\"email\":\"" + ADDRESS + "\",\"displayName\":\"Sam\"}");
        LocalFixture.await("the profile", Duration.ofSeconds(10), () -> local.recipients().find(USER).isPresent());
        try (var socket = LocalFixture.Client.connect(local, local.token(USER, Duration.ofMinutes(5)))) {
            String first = publishBooking("BK-1");
            assertThat(json(socket.nextItem()).path("id").asText()).startsWith(first);
            Map<Channel, Delivery> firstDeliveries = awaitFinal(first, Channel.EMAIL, Channel.WEBSOCKET);
            assertThat(firstDeliveries.get(Channel.EMAIL).status()).isIn(DeliveryStatus.SENT, DeliveryStatus.DELIVERED);
            Outbox.Email email = local.outbox().emails().getFirst();
            assertThat(email.headers()).containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            String header = email.headers().get("List-Unsubscribe");
            assertThat(header).startsWith("<" + local.baseUrl() + "/unsubscribe?n=" + first + "&").endsWith(">");
            URI link = URI.create(header.substring(1, header.length() - 1));

            // when: the mail client's one-click POST (RFC 8058)
            HttpResponse<String> unsubscribed = LocalFixture.HTTP.send(HttpRequest.newBuilder(link)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());

            // then
            assertThat(unsubscribed.statusCode()).isEqualTo(200);
            assertThat(unsubscribed.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(unsubscribed.body()).contains("You will no longer get <strong>bookings</strong> emails.");
            assertThat(local.recipients().load(USER).unsubscribed()).isEqualTo(Map.of("bookings", Set.of(Channel.EMAIL)));
            // the app hears of it: Herald's own event, published on the bus and routed by no rule
            LocalFixture.await("a Recipient Unsubscribed event", Duration.ofSeconds(10), () -> unsubscribedEvents().size() == 1);
            assertThat(unsubscribedEvents().getFirst().matched()).isEmpty();

            // when: the next booking
            String second = publishBooking("BK-2");

            // then: the socket still gets it, the email is skipped as an opt-out, and nothing more is sent
            assertThat(json(socket.nextItem()).path("id").asText()).startsWith(second);
            Map<Channel, Delivery> secondDeliveries = awaitFinal(second, Channel.EMAIL, Channel.WEBSOCKET);
            assertThat(secondDeliveries.get(Channel.WEBSOCKET).status()).isEqualTo(DeliveryStatus.SENT);
            assertThat(secondDeliveries.get(Channel.EMAIL).status()).isEqualTo(DeliveryStatus.SKIPPED);
            assertThat(secondDeliveries.get(Channel.EMAIL).reason()).isEqualTo(DeliveryReason.OPTED_OUT);
            assertThat(local.outbox().emails()).hasSize(1);
        }
    }

    @Test
    void recipientResubscribed_afterAOneClickUnsubscribe_emailsTheNextBookingAgain() throws Exception {
        // given: a recipient who unsubscribed from bookings emails with the link of a first one
        local.recipients().put(new RecipientProfile(USER, "en", null, ADDRESS, null, Map.of(), null, null));
        String first = publishBooking("BK-4");
        awaitFinal(first, Channel.EMAIL);
        String header = local.outbox().emails().getFirst().headers().get("List-Unsubscribe");
        HttpResponse<String> unsubscribed = LocalFixture.HTTP.send(HttpRequest.newBuilder(URI.create(header.substring(1, header.length() - 1)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsubscribed.statusCode()).isEqualTo(200);
        LocalFixture.await("a Recipient Unsubscribed event", Duration.ofSeconds(10), () -> unsubscribedEvents().size() == 1);
        String skipped = publishBooking("BK-5");
        assertThat(awaitFinal(skipped, Channel.EMAIL).get(Channel.EMAIL).reason()).isEqualTo(DeliveryReason.OPTED_OUT);

        // when: the app turns bookings emails back on, with the real SDK's PutEvents
        String resubscribed = LocalFixture.publish(local, "crm.app", "Recipient Resubscribed",
                "{\"recipientId\":\"" + USER + "\",\"category\":\"bookings\"}");
        LocalFixture.await("the resubscribe applied", Duration.ofSeconds(10), () -> local.recipients().load(USER).unsubscribed().isEmpty());
        String third = publishBooking("BK-6");

        // then: routing sends the email again
        assertThat(local.events().find(resubscribed).orElseThrow().matched()).containsExactly(HeraldLocal.RECIPIENTS);
        Delivery email = awaitFinal(third, Channel.EMAIL).get(Channel.EMAIL);
        assertThat(email.status()).isIn(DeliveryStatus.SENT, DeliveryStatus.DELIVERED);
        assertThat(local.outbox().emails()).hasSize(2);
        assertThat(unsubscribedEvents()).as("a resubscribe is the app's own doing: no Herald event").hasSize(1);
    }

    @Test
    void emailLink_overHttp_confirmsOnGet_refusesOtherMethods_andForgedLinks() throws Exception {
        // given
        local.recipients().put(new dev.herald.recipient.RecipientProfile(USER, "en", null, ADDRESS, null, Map.of(), null, null));
        String eventId = publishBooking("BK-3");
        awaitFinal(eventId, Channel.EMAIL);
        String header = local.outbox().emails().getFirst().headers().get("List-Unsubscribe");
        URI link = URI.create(header.substring(1, header.length() - 1));

        // when
        HttpResponse<String> get = LocalFixture.HTTP.send(HttpRequest.newBuilder(link).GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> put = LocalFixture.HTTP.send(HttpRequest.newBuilder(link).PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> forged = LocalFixture.post(local, "/unsubscribe?n=" + UUID.randomUUID() + "&t=booking.created&r=" + USER,
                "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded");

        // then
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).contains("<form method=\"post\" action=\"?n=" + eventId);
        assertThat(get.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(forged.statusCode()).isEqualTo(404);
        assertThat(forged.body()).contains("This link is no longer valid");
        assertThat(local.recipients().load(USER).unsubscribed()).as("neither a GET nor a forged link unsubscribes").isEmpty();
        assertThat(unsubscribedEvents()).isEmpty();
    }

    private List<EventLog.Entry> unsubscribedEvents() {
        return local.events().recent(1000).stream()
                .filter(e -> "herald".equals(e.source()) && RecipientUnsubscribedEvent.DETAIL_TYPE.equals(e.detailType())).toList();
    }

    private String publishBooking(String bookingId) {
        return LocalFixture.publish(local, "demo.app", "booking.created",
                "{\"userId\":\"" + USER + "\",\"bookingId\":\"" + bookingId + "\",\"hotelName\":\"Hôtel du Lac\",\"city\":\"Annecy\","
                        + "\"checkIn\":\"2026-12-18\",\"nights\":3,\"guests\":2,\"total\":{\"amount\":612.5,\"currency\":\"EUR\"},"
                        + "\"manageUrl\":\"https://x.example/b\"}");
    }

    private Map<Channel, Delivery> awaitFinal(String eventId, Channel... channels) throws InterruptedException {
        LocalFixture.await(Set.of(channels) + " deliveries of " + eventId + " final", Duration.ofSeconds(15), () -> {
            Map<Channel, Delivery> byChannel = deliveries(eventId);
            return Set.of(channels).stream().allMatch(c -> byChannel.containsKey(c) && byChannel.get(c).status().isFinal());
        });
        return deliveries(eventId);
    }

    private Map<Channel, Delivery> deliveries(String eventId) {
        Map<Channel, Delivery> byChannel = new EnumMap<>(Channel.class);
        // the booking's confirmation; its check-in reminder waits
        local.deliveries().forNotification(eventId).stream().filter(d -> d.typeId().equals("booking.created"))
                .forEach(d -> byChannel.put(d.channel(), d));
        return byChannel;
    }
}
