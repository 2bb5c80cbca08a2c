package dev.herald.channel.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.json.Json;
import dev.herald.store.StreamTail;
import dev.herald.testing.LocalDynamo;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

class UnsubscribeHandlerTest {

    private static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    private EmailFixture fixture;
    private UnsubscribeHandler handler;
    /** The deliveries table's stream, from which Herald announces each new unsubscribe. */
    private StreamTail stream;

    @BeforeEach
    void start() throws Exception {
        fixture = new EmailFixture();
        handler = handler(fixture.deliveries);
        stream = new StreamTail(LocalDynamo.client(), LocalDynamo.streams(), fixture.tables.deliveries());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private UnsubscribeHandler handler(DeliveryRepository deliveries) {
        return new UnsubscribeHandler(fixture.catalog, deliveries, fixture.recipients);
    }

    /** Unsubscribe marks written to deliveries since the last call: each becomes one Recipient Unsubscribed event. */
    private List<Map<String, AttributeValue>> newMarks() {
        return stream.poll(100).stream().map(Record::dynamodb)
                .filter(change -> change.newImage().containsKey(DeliveryRepository.UNSUBSCRIBED_AT)
                        && !change.newImage().get(DeliveryRepository.UNSUBSCRIBED_AT).equals(change.oldImage().get(DeliveryRepository.UNSUBSCRIBED_AT)))
                .map(change -> change.newImage()).toList();
    }

    @Test
    void get_linkOfASentEmail_showsAConfirmationThatPosts_andRecordsNothing() {
        // given
        Map<String, String> link = sendBooking("user-42");

        // when
        APIGatewayProxyResponseEvent response = handler.handle(request("GET", link, null));

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("Content-Type", "text/html; charset=utf-8");
        assertThat(response.getBody()).contains("Unsubscribe from bookings emails?", "<form method=\"post\" action=\"?n="
                + link.get("n") + "&amp;t=booking.created&amp;r=user-42\">", "name=\"List-Unsubscribe\" value=\"One-Click\"");
        assertThat(fixture.recipients.load("user-42").unsubscribed()).as("a GET (a mail scanner) unsubscribes nobody").isEmpty();
        assertThat(newMarks()).as("nor tells the app anything").isEmpty();
    }

    @Test
    void post_oneClickFromTheEmailsHeader_recordsTheCategoryOnEmail() {
        // given: the List-Unsubscribe URL of an email the channel really sent
        Map<String, String> link = sendBooking("user-42");

        // when
        APIGatewayProxyResponseEvent response = handler.handle(request("POST", link, ONE_CLICK));

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody()).contains("You will no longer get <strong>bookings</strong> emails.");
        assertThat(fixture.recipients.load("user-42").unsubscribed()).isEqualTo(Map.of("bookings", Set.of(Channel.EMAIL)));
        assertThat(fixture.recipients.find("user-42")).as("no profile is written").isEmpty();
    }

    @Test
    void post_repeated_isHarmless() {
        // given
        Map<String, String> link = sendBooking("user-42");
        handler.handle(request("POST", link, ONE_CLICK));

        // when
        APIGatewayProxyResponseEvent again = handler.handle(request("POST", link, ONE_CLICK));

        // then
        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(again.getBody()).contains("You will no longer get <strong>bookings</strong> emails.");
        assertThat(fixture.recipients.load("user-42").unsubscribed()).isEqualTo(Map.of("bookings", Set.of(Channel.EMAIL)));
        assertThat(newMarks()).as("one Recipient Unsubscribed, for the first POST only").hasSize(1);
    }

    @Test
    void post_newUnsubscribe_marksTheLinksDelivery_whichAnnouncesIt() {
        // given
        Map<String, String> link = sendBooking("user-42");
        Instant before = Instant.now();

        // when
        handler.handle(request("POST", link, ONE_CLICK));

        // then: the delivery whose link was used carries the mark, written in the same transaction as the unsubscribe
        List<Map<String, AttributeValue>> marks = newMarks();
        assertThat(marks).hasSize(1);
        Map<String, AttributeValue> delivery = marks.getFirst();
        assertThat(delivery.get("pk").s()).isEqualTo(link.get("n"));
        assertThat(delivery.get("recipientId").s()).isEqualTo("user-42");
        assertThat(delivery.get(DeliveryRepository.UNSUBSCRIBED_CATEGORY).s()).isEqualTo("bookings");
        assertThat(Instant.parse(delivery.get(DeliveryRepository.UNSUBSCRIBED_AT).s())).isBetween(before, Instant.now());
        assertThat(delivery.get("status").s()).as("the delivery itself stays as it was").isEqualTo("SENT");
    }

    @Test
    void post_sameCategoryFromAnotherEmail_isAlreadyRecorded_andAnnouncedOnce() {
        // given: two booking emails, unsubscribed from with the first one's link
        Map<String, String> first = sendBooking("user-42");
        Map<String, String> second = sendBooking("user-42");
        handler.handle(request("POST", first, ONE_CLICK));

        // when
        APIGatewayProxyResponseEvent response = handler.handle(request("POST", second, ONE_CLICK));

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(newMarks()).extracting(d -> d.get("pk").s()).containsExactly(first.get("n"));
    }

    @Test
    void post_multipartOneClick_isAcceptedToo() {
        // given: RFC 8058 lets the mail client send the same field as multipart/form-data
        Map<String, String> link = sendBooking("user-42");
        String multipart = "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n";

        // when
        APIGatewayProxyResponseEvent response = handler.handle(request("POST", link, multipart));

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(fixture.recipients.load("user-42").unsubscribed()).containsKey("bookings");
    }

    @Test
    void post_guessedNotificationId_isNotFound_andRecordsNothing() {
        // given: someone who knows the recipient id and the type, but not an email's notification id
        sendBooking("user-42");
        Map<String, String> forged = Map.of("n", UUID.randomUUID().toString(), "t", "booking.created", "r", "user-42");

        // when
        APIGatewayProxyResponseEvent response = handler.handle(request("POST", forged, ONE_CLICK));

        // then
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(response.getBody()).contains("This link is no longer valid", "settings of the app");
        assertThat(fixture.recipients.load("user-42").unsubscribed()).isEmpty();
        assertThat(newMarks()).isEmpty();
    }

    @Test
    void post_someoneElsesRecipientIdOnARealLink_isNotFound() {
        // given: a recipient edits their own link to name another user
        Map<String, String> own = sendBooking("user-42");
        Map<String, String> edited = new HashMap<>(own);
        edited.put("r", "user-7");

        // when
        APIGatewayProxyResponseEvent response = handler.handle(request("POST", edited, ONE_CLICK));

        // then
        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(fixture.recipients.load("user-7").unsubscribed()).isEmpty();
        assertThat(fixture.recipients.load("user-42").unsubscribed()).isEmpty();
    }

    @Test
    void post_typeNotInTheCatalog_isNotFound() {
        // given
        Map<String, String> link = new HashMap<>(sendBooking("user-42"));
        link.put("t", "marketing.blast");

        // when
        APIGatewayProxyResponseEvent response = handler.handle(request("POST", link, ONE_CLICK));

        // then
        assertThat(response.getStatusCode()).isEqualTo(404);
    }

    @Test
    void criticalType_isRefusedWith400_onGetAndPost() {
        // given: a delivery of the critical email.send type (its emails carry no link, but someone may build one)
        DispatchRecipient guest = EmailFixture.recipient("email-abc", "en", "guest@example.com");
        Dispatch dispatch = fixture.dispatch("email.send", Json.parse("{\"to\":\"guest@example.com\",\"subject\":\"s\",\"message\":\"m\"}"), guest);
        Map<String, String> link = Map.of("n", dispatch.notificationId(), "t", "email.send", "r", "email-abc");

        // when
        APIGatewayProxyResponseEvent get = handler.handle(request("GET", link, null));
        APIGatewayProxyResponseEvent post = handler.handle(request("POST", link, ONE_CLICK));

        // then
        assertThat(get.getStatusCode()).isEqualTo(400);
        assertThat(post.getStatusCode()).isEqualTo(400);
        assertThat(post.getBody()).contains("cannot be turned off");
        assertThat(fixture.recipients.load("email-abc").unsubscribed()).isEmpty();
    }

    @Test
    void incompleteLink_isABadRequest() {
        // when
        APIGatewayProxyResponseEvent missing = handler.handle(request("POST", Map.of("n", "x", "t", "booking.created"), ONE_CLICK));
        APIGatewayProxyResponseEvent none = handler.handle(request("GET", null, null));
        APIGatewayProxyResponseEvent tooLong = handler.handle(request("GET", Map.of("n", "x".repeat(600), "t", "booking.created", "r", "u"), null));
        APIGatewayProxyResponseEvent tooManyBytes = handler.handle(request("GET", Map.of("n", "x", "t", "booking.created", "r", "é".repeat(300)), null));

        // then
        assertThat(missing.getStatusCode()).isEqualTo(400);
        assertThat(missing.getBody()).contains("This link is incomplete");
        assertThat(none.getStatusCode()).isEqualTo(400);
        assertThat(tooLong.getStatusCode()).isEqualTo(400);
        assertThat(tooManyBytes.getStatusCode()).as("600 bytes of UTF-8").isEqualTo(400);
    }

    @Test
    void otherMethods_get405WithAllow_andRecordNothing() {
        // given
        Map<String, String> link = sendBooking("user-42");

        for (String method : new String[] {"PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"}) {
            // when
            APIGatewayProxyResponseEvent response = handler.handle(request(method, link, ONE_CLICK));

            // then
            assertThat(response.getStatusCode()).as(method).isEqualTo(405);
            assertThat(response.getHeaders()).containsEntry("Allow", "GET, POST");
        }
        assertThat(fixture.recipients.load("user-42").unsubscribed()).isEmpty();
    }

    @Test
    void everyPage_escapesWhatItShows_andForbidsFramingCachingAndScripts() {
        // given: a recipient id full of HTML (ids are opaque to Herald)
        String id = "<script>alert('x')</script>\"&";
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), EmailFixture.recipient(id, "en", "a@example.com"));
        Map<String, String> link = Map.of("n", dispatch.notificationId(), "t", "booking.created", "r", id);

        // when
        APIGatewayProxyResponseEvent page = handler.handle(request("GET", link, null));
        APIGatewayProxyResponseEvent notAllowed = handler.handle(request("<b>PUT</b>", link, null));

        // then
        assertThat(page.getStatusCode()).isEqualTo(200);
        assertThat(page.getBody()).doesNotContain("<script>", "alert('x')").contains("r=%3Cscript%3Ealert%28%27x%27%29%3C%2Fscript%3E%22%26\"");
        assertThat(notAllowed.getBody()).doesNotContain("<b>PUT").contains("&lt;B&gt;PUT&lt;/B&gt;");
        assertThat(page.getHeaders())
                .containsEntry("X-Frame-Options", "DENY")
                .containsEntry("Cache-Control", "no-store")
                .containsEntry("Referrer-Policy", "no-referrer")
                .hasEntrySatisfying("Content-Security-Policy", csp -> assertThat(csp).contains("default-src 'none'", "frame-ancestors 'none'", "form-action 'self'"));
    }

    @Test
    void storeUnavailable_answers503_askingToTryAgain() {
        // given: a deliveries table that does not exist
        UnsubscribeHandler broken = handler(new DeliveryRepository(LocalDynamo.client(), "no-such-table", fixture.clock, Duration.ofDays(1)));

        // when
        APIGatewayProxyResponseEvent response = broken.handle(request("POST", Map.of("n", "x", "t", "booking.created", "r", "u"), ONE_CLICK));

        // then
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(response.getHeaders()).containsEntry("Retry-After", "30");
        assertThat(response.getBody()).contains("try again in a moment");
    }

    @Test
    void handleRequest_restProxyEventAsApiGatewaySendsIt_unsubscribes() {
        // given: API Gateway's proxy event for a mail client's one-click POST, read by the Lambda runtime's serializer
        Map<String, String> link = sendBooking("user-42");
        APIGatewayProxyRequestEvent event = EventLoader.loadEvent("events/unsubscribe-one-click.json", APIGatewayProxyRequestEvent.class);
        event.setQueryStringParameters(link);

        // when
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);

        // then
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(fixture.recipients.load("user-42").unsubscribed()).containsEntry("bookings", Set.of(Channel.EMAIL));
    }

    /** Sends a booking email to the recipient through the email channel and returns its List-Unsubscribe link's query. */
    private Map<String, String> sendBooking(String recipientId) {
        DispatchRecipient recipient = EmailFixture.recipient(recipientId, "en", recipientId + "@example.com");
        fixture.handler.deliver(fixture.dispatch("booking.created", EmailFixture.booking(), recipient));
        JsonNode sent = fixture.sent().getLast();
        String header = null;
        for (JsonNode h : sent.path("Content").path("Simple").path("Headers")) {
            if (h.path("Name").asText().equals("List-Unsubscribe")) {
                header = h.path("Value").asText();
            }
        }
        assertThat(header).startsWith("<" + EmailFixture.UNSUBSCRIBE + "?").endsWith(">");
        return query(URI.create(header.substring(1, header.length() - 1)));
    }

    static Map<String, String> query(URI url) {
        Map<String, String> params = new HashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return params;
    }

    private static APIGatewayProxyRequestEvent request(String method, Map<String, String> query, String body) {
        return new APIGatewayProxyRequestEvent().withHttpMethod(method).withPath("/unsubscribe").withResource("/unsubscribe")
                .withQueryStringParameters(query).withBody(body).withIsBase64Encoded(false)
                .withHeaders(body == null ? Map.of() : Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }
}
