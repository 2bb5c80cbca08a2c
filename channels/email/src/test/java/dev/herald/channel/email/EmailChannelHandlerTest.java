package dev.herald.channel.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.dispatch.DispatchResult;
import dev.herald.dispatch.TransientDispatchException;
import dev.herald.json.Json;
import dev.herald.queue.BatchResponse;
import dev.herald.queue.QueueBatch;
import dev.herald.templates.TemplateSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmailChannelHandlerTest {

    private EmailFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new EmailFixture();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void recipientInFrench_getsTheFrenchEmailThroughSes() {
        // given
        DispatchRecipient camille = EmailFixture.recipient("user-42", "fr", "camille@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);

        // when
        DispatchResult result = fixture.handler.deliver(dispatch);

        // then
        assertThat(result).isEqualTo(new DispatchResult(1, 0, 0, 0, 0));
        JsonNode request = fixture.sent().getFirst();
        JsonNode simple = request.path("Content").path("Simple");
        assertThat(simple.path("Subject").path("Data").asText()).isEqualTo("Réservation confirmée : Hôtel du Lac & Spa, 18 déc. 2026");
        assertThat(simple.path("Subject").path("Charset").asText()).isEqualTo("UTF-8");
        assertThat(simple.path("Body").path("Html").path("Data").asText())
                .contains("<html lang=\"fr\" dir=\"ltr\">", "Bonjour Camille Martin,", "<strong>Hôtel du Lac &amp; Spa</strong>", "3 nuits", "612,50");
        assertThat(simple.path("Body").path("Text").path("Data").asText()).contains("Hôtel du Lac & Spa (Annecy)", "3 nuits");
        assertThat(request.path("Destination").path("ToAddresses")).containsExactly(Json.tree("camille@example.com"));
        assertThat(request.path("FromEmailAddress").asText()).isEqualTo("Herald <notifications@herald.example>");
        assertThat(request.path("ReplyToAddresses")).containsExactly(Json.tree("support@herald.example"));
        assertThat(request.path("ConfigurationSetName").asText()).isEqualTo(EmailFixture.CONFIGURATION_SET);
        assertThat(fixture.delivery(dispatch, camille).status()).isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void nonCriticalType_carriesOneClickUnsubscribeHeadersAndHeraldTags() {
        // given
        DispatchRecipient camille = EmailFixture.recipient("user-42", "en", "camille@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);

        // when
        fixture.handler.deliver(dispatch);

        // then
        JsonNode request = fixture.sent().getFirst();
        assertThat(headers(request)).containsExactly(
                Map.entry("List-Unsubscribe", "<https://herald.example/unsubscribe?n=" + dispatch.notificationId()
                        + "&t=booking.created&r=user-42>"),
                Map.entry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
        assertThat(tags(request)).containsEntry("herald-type", "booking_2Ecreated")
                .containsEntry("herald-recipient", "user-42")
                .containsEntry("herald-notification", SesTags.encode(dispatch.notificationId()));
    }

    @Test
    void criticalDirectSend_rendersTheEventsSubjectAndMessage_withoutUnsubscribe() {
        // given
        DispatchRecipient guest = new DispatchRecipient("guest@example.com", null, null, null, "guest@example.com", List.of());
        Dispatch dispatch = fixture.dispatch("email.send",
                Json.parse("{\"to\":\"guest@example.com\",\"subject\":\"Invoice <May> & receipt\",\"message\":\"Line 1\\n<b>Line 2</b>\"}"), guest);

        // when
        fixture.handler.deliver(dispatch);

        // then
        JsonNode request = fixture.sent().getFirst();
        JsonNode simple = request.path("Content").path("Simple");
        assertThat(simple.path("Subject").path("Data").asText()).isEqualTo("Invoice <May> & receipt");
        assertThat(simple.path("Body").path("Text").path("Data").asText()).startsWith("Line 1\n<b>Line 2</b>");
        // mustache.java escapes the newline too; the layout's white-space:pre-line still shows it as a line break
        assertThat(simple.path("Body").path("Html").path("Data").asText()).contains(">Line 1&#10;&lt;b&gt;Line 2&lt;/b&gt;</div>");
        assertThat(headers(request)).isEmpty();
    }

    @Test
    void arabicRecipient_getsTheRightToLeftLayout_andCanadianFrench_itsOwnSubject() {
        // given
        DispatchRecipient noor = EmailFixture.recipient("user-1", "ar", "noor@example.com");
        DispatchRecipient elise = EmailFixture.recipient("user-2", "fr-CA", "elise@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), noor, elise);

        // when
        fixture.handler.deliver(dispatch);

        // then
        Map<String, JsonNode> byAddress = new java.util.HashMap<>();
        fixture.sent().forEach(r -> byAddress.put(r.path("Destination").path("ToAddresses").path(0).asText(), r.path("Content").path("Simple")));
        assertThat(byAddress.get("noor@example.com").path("Body").path("Html").path("Data").asText()).contains("<html lang=\"ar\" dir=\"rtl\">", "3 ليالٍ");
        assertThat(byAddress.get("elise@example.com").path("Subject").path("Data").asText()).startsWith("Votre réservation est confirmée –");
        assertThat(byAddress.get("elise@example.com").path("Body").path("Html").path("Data").asText()).contains("lang=\"fr\"");
    }

    @Test
    void duplicateDispatch_sendsNothingTwice() {
        // given
        DispatchRecipient camille = EmailFixture.recipient("user-42", "fr", "camille@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        fixture.handler.deliver(dispatch);

        // when
        DispatchResult again = fixture.handler.deliver(dispatch);

        // then
        assertThat(again).isEqualTo(new DispatchResult(0, 0, 0, 0, 1));
        assertThat(fixture.sent()).hasSize(1);
        assertThat(fixture.delivery(dispatch, camille).attempts()).isEqualTo(1);
    }

    @Test
    void suppressedAddress_isSkipped() {
        // given
        fixture.recipients.suppress("Camille@Example.com", DeliveryReason.BOUNCED);
        DispatchRecipient camille = EmailFixture.recipient("user-42", "fr", "camille@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);

        // when
        DispatchResult result = fixture.handler.deliver(dispatch);

        // then
        assertThat(result.skipped()).isEqualTo(1);
        assertThat(fixture.attempts()).isZero();
        assertThat(fixture.delivery(dispatch, camille)).satisfies(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SKIPPED);
            assertThat(d.reason()).isEqualTo(DeliveryReason.SUPPRESSED);
        });
    }

    @Test
    void missingOrMalformedAddress_isSkippedAsNoAddress() {
        // given
        DispatchRecipient none = EmailFixture.recipient("user-1", "en", null);
        DispatchRecipient malformed = EmailFixture.recipient("user-2", "en", "camille@example.com\r\nBcc: all@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), none, malformed);

        // when
        DispatchResult result = fixture.handler.deliver(dispatch);

        // then
        assertThat(result.skipped()).isEqualTo(2);
        assertThat(fixture.attempts()).isZero();
        assertThat(List.of(fixture.delivery(dispatch, none), fixture.delivery(dispatch, malformed)))
                .allSatisfy(d -> assertThat(d.reason()).isEqualTo(DeliveryReason.NO_ADDRESS));
    }

    @Test
    void messageRejectedOrInvalidAddress_isPermanent() {
        // given
        DispatchRecipient rejected = EmailFixture.recipient("user-1", "en", "rejected@example.com");
        DispatchRecipient invalid = EmailFixture.recipient("user-2", "en", "invalid@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), rejected, invalid);

        // when
        DispatchResult result = fixture.handler.deliver(dispatch);

        // then: recorded, not thrown, and not retried by the SDK either
        assertThat(result.failed()).isEqualTo(2);
        assertThat(fixture.attempts()).isEqualTo(2);
        assertThat(List.of(fixture.delivery(dispatch, rejected), fixture.delivery(dispatch, invalid))).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(d.reason()).isEqualTo(DeliveryReason.MESSAGE_REJECTED);
        });
    }

    @Test
    void throttling_holdsTheRecipientBackAsThrottled_afterServingTheOthers() {
        // given
        DispatchRecipient throttled = EmailFixture.recipient("user-1", "en", "throttled@example.com");
        DispatchRecipient camille = EmailFixture.recipient("user-2", "fr", "camille@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), throttled, camille);

        // when
        DispatchResult result = fixture.handler.deliver(dispatch);

        // then
        assertThat(result.sent()).isEqualTo(1);
        assertThat(result.throttled()).containsExactly(throttled);
        assertThat(fixture.delivery(dispatch, throttled)).satisfies(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(d.reason()).isEqualTo(DeliveryReason.THROTTLED);
        });
        assertThat(fixture.delivery(dispatch, camille).status()).isEqualTo(DeliveryStatus.SENT);

        // and a later send, still throttled, sends nothing twice
        assertThat(fixture.handler.deliver(dispatch).throttled()).containsExactly(throttled);
        assertThat(fixture.sent()).hasSize(1);
        assertThat(fixture.delivery(dispatch, throttled).attempts()).isEqualTo(2);
    }

    @Test
    void serverError_isTransient() {
        // given
        DispatchRecipient broken = EmailFixture.recipient("user-1", "en", "broken@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), broken);

        // when / then
        assertThatThrownBy(() -> fixture.handler.deliver(dispatch)).isInstanceOf(TransientDispatchException.class);
        assertThat(fixture.delivery(dispatch, broken).status()).isEqualTo(DeliveryStatus.PENDING);
    }

    @Test
    void templateMissingForEveryLocale_isPermanent() throws Exception {
        // given: no template files at all
        fixture.close();
        fixture = new EmailFixture(new TemplateSource() {
            @Override
            public Optional<String> read(String relativePath) {
                return Optional.empty();
            }

            @Override
            public String describe(String relativePath) {
                return "none:" + relativePath;
            }
        });
        DispatchRecipient camille = EmailFixture.recipient("user-42", "fr-CA", "camille@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);

        // when
        DispatchResult result = fixture.handler.deliver(dispatch);

        // then
        assertThat(result.failed()).isEqualTo(1);
        assertThat(fixture.attempts()).isZero();
        assertThat(fixture.delivery(dispatch, camille).reason()).isEqualTo(DeliveryReason.TEMPLATE_MISSING);
    }

    @Test
    void lambdaEntryPoint_readsTheQueueBatchWithHeraldsMapper() throws Exception {
        // given
        DispatchRecipient camille = EmailFixture.recipient("user-42", "en", "camille@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        var out = new java.io.ByteArrayOutputStream();

        // when
        fixture.handler.handleRequest(new java.io.ByteArrayInputStream(Json.writeBytes(batchOf(dispatch))), out, null);

        // then
        assertThat(Json.read(out.toString(), BatchResponse.class).batchItemFailures()).isEmpty();
        assertThat(fixture.sent()).hasSize(1);
    }

    @Test
    void queueBatch_throttledRecipient_isQueuedAgainForLater_andNotReportedAsAFailure() throws Exception {
        // given: SES answers TooManyRequests for one address
        DispatchRecipient throttled = EmailFixture.recipient("user-1", "en", "throttled@example.com");
        DispatchRecipient camille = EmailFixture.recipient("user-2", "fr", "camille@example.com");
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), throttled, camille);
        var out = new java.io.ByteArrayOutputStream();

        // when
        fixture.handler.handleRequest(new java.io.ByteArrayInputStream(Json.writeBytes(batchOf(dispatch))), out, null);

        // then: nothing is failed (so nothing counts toward the DLQ), and the throttled recipient waits in the queue, delayed
        assertThat(Json.read(out.toString(), BatchResponse.class).batchItemFailures()).isEmpty();
        assertThat(fixture.sent()).hasSize(1);
        assertThat(fixture.aws.queues().depth("email").delayed()).isEqualTo(1);
        assertThat(fixture.aws.queues().depth("email-dlq").total()).isZero();
    }

    @Test
    void queueBatch_withOneDispatchHittingServerErrors_reportsOnlyThatMessageForARetry() throws Exception {
        // given: two dispatches in one batch; SES answers 5xx for the broken address
        Dispatch fine = fixture.dispatch("booking.created", EmailFixture.booking(), EmailFixture.recipient("user-1", "en", "fine@example.com"));
        Dispatch broken = fixture.dispatch("booking.created", EmailFixture.booking(), EmailFixture.recipient("user-2", "en", "broken@example.com"));
        QueueBatch batch = new QueueBatch(List.of(message("m-fine", fine), message("m-broken", broken)));
        var out = new java.io.ByteArrayOutputStream();

        // when
        fixture.handler.handleRequest(new java.io.ByteArrayInputStream(Json.writeBytes(batch)), out, null);

        // then: only the broken one comes back, after a backoff; the other is sent and its message done
        assertThat(Json.read(out.toString(), BatchResponse.class).batchItemFailures()).extracting(BatchResponse.ItemFailure::itemIdentifier)
                .containsExactly("m-broken");
        assertThat(fixture.sent()).hasSize(1);
        assertThat(fixture.delivery(broken, broken.recipients().getFirst()).reason()).isEqualTo(DeliveryReason.TRANSIENT_ERROR);
    }

    private static QueueBatch.Message message(String id, Dispatch dispatch) {
        return new QueueBatch.Message(id, "not-a-real-receipt", Json.write(dispatch), Map.of("ApproximateReceiveCount", "1"),
                QueueBatch.Message.EVENT_SOURCE, "arn:aws:sqs:us-east-1:000000000000:email");
    }

    private static QueueBatch batchOf(Dispatch dispatch) {
        return new QueueBatch(List.of(message("m1", dispatch)));
    }

    private static Map<String, String> headers(JsonNode request) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        request.path("Content").path("Simple").path("Headers").forEach(h -> headers.put(h.path("Name").asText(), h.path("Value").asText()));
        return headers;
    }

    static Map<String, String> tags(JsonNode request) {
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        StreamSupport.stream(request.path("EmailTags").spliterator(), false)
                .forEach(t -> tags.put(t.path("Name").asText(), t.path("Value").asText()));
        return tags;
    }
}
