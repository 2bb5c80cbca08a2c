package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.channel.websocket.auth.Tokens;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.local.bus.EventLog;
import dev.herald.recipient.preferences.PreferencesChangedEvent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * {@code GET|PUT /preferences} over real HTTP on herald local's one port, behind the emulation of the HTTP API's JWT
 * authorizer: the same tokens as the socket, the user only ever the token's subject, and a change that routing
 * honours at once and that Herald announces.
 */
class PreferencesApiTest {

    private static final String USER = "user-prefs";
    private static final String OTHER = "user-other";

    @AutoClose
    private final HeraldLocal local = LocalFixture.start();

    @Test
    void getAndPut_withTheSocketsToken_readAndChangeTheUsersPreferences() throws Exception {
        // given
        String token = local.token(USER, Duration.ofMinutes(5));

        // when
        HttpResponse<String> before = get(token);
        HttpResponse<String> put = put(token, "{\"locale\":\"fr-CA\",\"digest\":\"daily\",\"categories\":{\"reviews\":{\"email\":false}}}");
        HttpResponse<String> after = get(token);

        // then
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(before.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(json(before.body()).path("recipientId").asText()).isEqualTo(USER);
        assertThat(json(before.body()).path("locale").isNull()).isTrue();
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(json(put.body())).isEqualTo(json(after.body()));
        assertThat(json(after.body()).path("locale").asText()).isEqualTo("fr-CA");
        assertThat(json(after.body()).path("digest").asText()).isEqualTo("daily");
        assertThat(category(json(after.body()), "reviews").path("channels").path("email").asBoolean()).isFalse();
    }

    @Test
    void aChange_isPushedToTheUsersOpenSockets() throws Exception {
        // given: a tab of the user's, open
        String token = local.token(USER, Duration.ofMinutes(5));
        try (var socket = LocalFixture.Client.connect(local, token)) {
            // when
            HttpResponse<String> put = put(token, "{\"timeZone\":\"Europe/Paris\"}");

            // then
            JsonNode frame = json(socket.next());
            assertThat(frame.path("event").asText()).isEqualTo("preferences");
            assertThat(frame.path("preferences")).isEqualTo(json(put.body()));
            assertThat(frame.has("action")).as("a push carries no action").isFalse();
        }
    }

    @Test
    void missingForgedOrExpiredTokens_get401_asApiGatewayAnswers() throws Exception {
        // given
        String forged = Tokens.issueDev("another-secret-of-at-least-thirty-two-bytes!!", USER, Duration.ofMinutes(5));
        String expired = Tokens.issue(local.secrets().jwtSecret(), USER, null, null, Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1));

        // when
        List<HttpResponse<String>> refused = List.of(
                send(HttpRequest.newBuilder(uri()).GET()),
                get(forged),
                get(expired),
                send(HttpRequest.newBuilder(uri()).header("Authorization", "Basic dXNlcjpwYXNz").GET()),
                put(forged, "{\"digest\":\"daily\"}"));

        // then
        assertThat(refused).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(json(response.body())).isEqualTo(json("{\"message\":\"Unauthorized\"}"));
        });
        assertThat(local.recipients().find(USER)).isEmpty();
    }

    @Test
    void anotherUsersPreferences_areNeverReadableOrWritable() throws Exception {
        // given: the other user's choice, and a token of ours
        put(local.token(OTHER, Duration.ofMinutes(5)), "{\"locale\":\"de\"}");
        String ours = local.token(USER, Duration.ofMinutes(5));

        // when: a query, and a body, that name the other user
        HttpResponse<String> read = send(HttpRequest.newBuilder(URI.create(local.baseUrl() + "/preferences?recipientId=" + OTHER + "&user=" + OTHER))
                .header("Authorization", "Bearer " + ours).GET());
        HttpResponse<String> written = put(ours, "{\"recipientId\":\"" + OTHER + "\",\"locale\":\"it\"}");

        // then: the query is ignored (our own preferences), the body refused, the other user's untouched
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read.body()).path("recipientId").asText()).isEqualTo(USER);
        assertThat(json(read.body()).path("locale").isNull()).isTrue();
        assertThat(written.statusCode()).isEqualTo(400);
        assertThat(json(written.body()).path("message").asText()).contains("unknown field 'recipientId'");
        assertThat(local.recipients().find(OTHER).orElseThrow().locale()).isEqualTo("de");
        assertThat(local.recipients().find(USER)).isEmpty();
    }

    @Test
    void lockedCategory_is409_andOtherMethodsHaveNoRoute() throws Exception {
        // given
        String token = local.token(USER, Duration.ofMinutes(5));

        // when
        HttpResponse<String> locked = put(token, "{\"categories\":{\"transactional\":{\"email\":false}}}");
        HttpResponse<String> invalid = put(token, "{\"quietHours\":{\"start\":\"10pm\",\"end\":\"07:00\"}}");
        HttpResponse<String> delete = send(HttpRequest.newBuilder(uri()).header("Authorization", "Bearer " + token).DELETE());

        // then
        assertThat(locked.statusCode()).isEqualTo(409);
        assertThat(json(locked.body()).path("message").asText()).contains("'transactional' is critical and locked");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid.body()).path("message").asText()).contains("quietHours.start \"10pm\" is not HH:mm");
        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(preferencesChangedEvents()).isEmpty();
    }

    @Test
    void emailTurnedOffForACategory_skipsItsNextEmail_andIsAnnounced() throws Exception {
        // given: a recipient with an address, as the app maintains it
        LocalFixture.publish(local, "demo.app", "Recipient Upserted",
                "{\"recipientId\":\"" + USER + "\",\"locale\":\"en\",\"email\":\"prefs@example.com\"}");
        LocalFixture.await("the profile", Duration.ofSeconds(10), () -> local.recipients().find(USER).isPresent());

        // when: the recipient turns bookings emails off over HTTP, and a booking follows
        HttpResponse<String> put = put(local.token(USER, Duration.ofMinutes(5)), "{\"categories\":{\"bookings\":{\"email\":false}}}");
        assertThat(put.statusCode()).isEqualTo(200);
        String booking = LocalFixture.publish(local, "demo.app", "booking.created",
                "{\"userId\":\"" + USER + "\",\"bookingId\":\"BK-P1\",\"hotelName\":\"Hôtel du Lac\",\"city\":\"Annecy\","
                        + "\"checkIn\":\"2026-12-18\",\"nights\":3,\"guests\":2,\"total\":{\"amount\":612.5,\"currency\":\"EUR\"},"
                        + "\"manageUrl\":\"https://x.example/b\"}");

        // then: the email is skipped as an opt-out; the in-app item is not (it waits in the inbox: no socket is open)
        Delivery email = awaitFinal(booking, Channel.EMAIL);
        assertThat(email.status()).isEqualTo(DeliveryStatus.SKIPPED);
        assertThat(email.reason()).isEqualTo(DeliveryReason.OPTED_OUT);
        assertThat(delivery(booking, Channel.WEBSOCKET)).hasValueSatisfying(d -> assertThat(d.status()).isNotEqualTo(DeliveryStatus.SKIPPED));
        assertThat(local.outbox().emails()).isEmpty();
        // and the app hears of it: Herald's own event, from the deliveries table's stream, routed by no rule
        LocalFixture.await("a Recipient Preferences Changed event", Duration.ofSeconds(10), () -> preferencesChangedEvents().size() == 1);
        EventLog.Entry event = preferencesChangedEvents().getFirst();
        assertThat(event.matched()).isEmpty();
    }

    @Test
    void aStaleUpsert_keepsTheRecipientsChoice_aRealChangeOverridesIt() throws Exception {
        // given: the app's profile, then the recipient's own locale
        String upsert = "{\"recipientId\":\"" + USER + "\",\"locale\":\"en\",\"timeZone\":\"UTC\"}";
        LocalFixture.publish(local, "demo.app", "Recipient Upserted", upsert);
        LocalFixture.await("the profile", Duration.ofSeconds(10), () -> local.recipients().find(USER).isPresent());
        String token = local.token(USER, Duration.ofMinutes(5));
        put(token, "{\"locale\":\"fr\",\"timeZone\":\"Europe/Paris\"}");

        // when: the app re-sends its profile as it was
        String resent = LocalFixture.publish(local, "demo.app", "Recipient Upserted", upsert);
        LocalFixture.await("the re-sent profile applied", Duration.ofSeconds(10), () -> applied(resent));

        // then: the recipient's choices stand
        assertThat(json(get(token).body()).path("locale").asText()).isEqualTo("fr");

        // when: the app really changes the locale
        String changed = LocalFixture.publish(local, "demo.app", "Recipient Upserted",
                "{\"recipientId\":\"" + USER + "\",\"locale\":\"de\",\"timeZone\":\"UTC\"}");
        LocalFixture.await("the changed profile applied", Duration.ofSeconds(10), () -> applied(changed));

        // then: the app's locale wins; the time zone it did not change stays the recipient's
        JsonNode prefs = json(get(token).body());
        assertThat(prefs.path("locale").asText()).isEqualTo("de");
        assertThat(prefs.path("timeZone").asText()).isEqualTo("Europe/Paris");
    }

    private boolean applied(String eventId) {
        return local.events().find(eventId).map(e -> !e.steps().isEmpty() && e.steps().stream().allMatch(s -> "SUCCEEDED".equals(s.status())))
                .orElse(false);
    }

    private List<EventLog.Entry> preferencesChangedEvents() {
        return local.events().recent(1000).stream()
                .filter(e -> "herald".equals(e.source()) && PreferencesChangedEvent.DETAIL_TYPE.equals(e.detailType())).toList();
    }

    private Delivery awaitFinal(String eventId, Channel channel) throws InterruptedException {
        LocalFixture.await(channel + " delivery of " + eventId + " final", Duration.ofSeconds(15),
                () -> delivery(eventId, channel).map(d -> d.status().isFinal()).orElse(false));
        return delivery(eventId, channel).orElseThrow();
    }

    private Optional<Delivery> delivery(String eventId, Channel channel) {
        return local.deliveries().forNotification(eventId).stream()
                .filter(d -> d.typeId().equals("booking.created") && d.channel() == channel).findFirst();
    }

    private static JsonNode category(JsonNode prefs, String id) {
        for (JsonNode category : prefs.path("categories")) {
            if (category.path("id").asText().equals(id)) {
                return category;
            }
        }
        throw new AssertionError("no category " + id + " in " + prefs);
    }

    private URI uri() {
        return URI.create(local.baseUrl() + "/preferences");
    }

    private HttpResponse<String> get(String token) throws Exception {
        return send(HttpRequest.newBuilder(uri()).header("Authorization", "Bearer " + token).GET());
    }

    private HttpResponse<String> put(String token, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri()).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return LocalFixture.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
