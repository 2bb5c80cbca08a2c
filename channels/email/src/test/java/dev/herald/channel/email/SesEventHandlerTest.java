package dev.herald.channel.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SesEventHandlerTest {

    private static final String ADDRESS = "camille@example.com";

    private EmailFixture fixture;
    private SesEventHandler handler;

    @BeforeEach
    void start() throws Exception {
        fixture = new EmailFixture();
        handler = new SesEventHandler(fixture.recipients, fixture.deliveries);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void permanentBounce_suppressesTheAddressAndFailsTheDelivery() throws IOException {
        // given: an email Herald sent, and SES's bounce event carrying the tags it was sent with
        DispatchRecipient camille = EmailFixture.recipient("user-42", "fr", ADDRESS);
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        fixture.handler.deliver(dispatch);
        EventEnvelope bounce = event("ses-bounce-permanent.json", sentTags(), "Permanent");

        // when
        SesEventHandler.Result result = handler.handle(bounce);

        // then
        assertThat(result).isEqualTo(new SesEventHandler.Result(1, 1));
        assertThat(fixture.recipients.isSuppressed(ADDRESS)).isTrue();
        assertThat(fixture.delivery(dispatch, camille)).satisfies(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(d.reason()).isEqualTo(DeliveryReason.BOUNCED);
        });

        // and the next email to that address is skipped, and a repeated event changes nothing
        Dispatch next = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        fixture.handler.deliver(next);
        assertThat(fixture.delivery(next, camille).reason()).isEqualTo(DeliveryReason.SUPPRESSED);
        assertThat(fixture.sent()).hasSize(1);
        assertThat(handler.handle(bounce)).isEqualTo(new SesEventHandler.Result(1, 0));
    }

    @Test
    void complaint_suppressesTheAddressAndKeepsTheDeliverySent() throws IOException {
        // given
        DispatchRecipient camille = EmailFixture.recipient("user-42", "en", ADDRESS);
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        fixture.handler.deliver(dispatch);

        // when
        SesEventHandler.Result result = handler.handle(event("ses-complaint.json", sentTags(), null));

        // then
        assertThat(result).isEqualTo(new SesEventHandler.Result(1, 1));
        assertThat(fixture.recipients.isSuppressed(ADDRESS)).isTrue();
        assertThat(fixture.delivery(dispatch, camille)).satisfies(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.SENT);
            assertThat(d.reason()).isEqualTo(DeliveryReason.COMPLAINED);
        });
    }

    @Test
    void transientBounce_changesNothing() throws IOException {
        // given
        DispatchRecipient camille = EmailFixture.recipient("user-42", "en", ADDRESS);
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        fixture.handler.deliver(dispatch);

        // when
        SesEventHandler.Result result = handler.handle(event("ses-bounce-permanent.json", sentTags(), "Transient"));

        // then
        assertThat(result).isEqualTo(SesEventHandler.Result.NONE);
        assertThat(fixture.recipients.isSuppressed(ADDRESS)).isFalse();
        assertThat(fixture.delivery(dispatch, camille).status()).isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void bounceOfAnEmailHeraldDidNotTag_stillSuppressesTheAddress() throws IOException {
        // given
        EventEnvelope bounce = event("ses-bounce-permanent.json", Map.of("herald-notification", "n1"), "Permanent");

        // when
        SesEventHandler.Result result = handler.handle(bounce);

        // then
        assertThat(result).isEqualTo(new SesEventHandler.Result(1, 0));
        assertThat(fixture.recipients.isSuppressed(ADDRESS)).isTrue();
    }

    @Test
    void otherSesEvents_areIgnored() throws IOException {
        // given: a delivery delay of an email Herald sent
        DispatchRecipient camille = EmailFixture.recipient("user-42", "en", ADDRESS);
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        fixture.handler.deliver(dispatch);

        // when
        SesEventHandler.Result result = handler.handle(event("ses-delivery-delay.json", sentTags(), null));

        // then
        assertThat(result).isEqualTo(SesEventHandler.Result.NONE);
        assertThat(fixture.delivery(dispatch, camille).status()).isEqualTo(DeliveryStatus.SENT);
    }

    @Test
    void delivery_movesTheSentEmailToDelivered_andARepeatChangesNothing() throws IOException {
        // given
        DispatchRecipient camille = EmailFixture.recipient("user-42", "fr", ADDRESS);
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        fixture.handler.deliver(dispatch);
        EventEnvelope delivered = event("ses-delivery.json", sentTags(), null);

        // when
        SesEventHandler.Result first = handler.handle(delivered);
        SesEventHandler.Result again = handler.handle(delivered);

        // then
        assertThat(first).isEqualTo(new SesEventHandler.Result(0, 1));
        assertThat(again).isEqualTo(SesEventHandler.Result.NONE);
        assertThat(fixture.delivery(dispatch, camille).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(fixture.recipients.isSuppressed(ADDRESS)).isFalse();
    }

    @Test
    void openThenClick_moveTheEmailToOpenedThenClicked() throws IOException {
        // given
        DispatchRecipient camille = EmailFixture.recipient("user-42", "en", ADDRESS);
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        fixture.handler.deliver(dispatch);
        handler.handle(event("ses-delivery.json", sentTags(), null));

        // when / then
        assertThat(handler.handle(event("ses-open.json", sentTags(), null))).isEqualTo(new SesEventHandler.Result(0, 1));
        assertThat(fixture.delivery(dispatch, camille).status()).isEqualTo(DeliveryStatus.OPENED);
        assertThat(handler.handle(event("ses-click.json", sentTags(), null))).isEqualTo(new SesEventHandler.Result(0, 1));
        assertThat(fixture.delivery(dispatch, camille).status()).isEqualTo(DeliveryStatus.CLICKED);
    }

    @Test
    void eventsOutOfOrderOrTwice_endInTheFurthestState() throws IOException {
        // given: SES reports the click first (the open pixel was blocked), then the click again, the open and the delivery
        DispatchRecipient camille = EmailFixture.recipient("user-42", "en", ADDRESS);
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        fixture.handler.deliver(dispatch);

        // when
        SesEventHandler.Result click = handler.handle(event("ses-click.json", sentTags(), null));
        SesEventHandler.Result clickAgain = handler.handle(event("ses-click.json", sentTags(), null));
        SesEventHandler.Result open = handler.handle(event("ses-open.json", sentTags(), null));
        SesEventHandler.Result delivery = handler.handle(event("ses-delivery.json", sentTags(), null));

        // then
        assertThat(click).isEqualTo(new SesEventHandler.Result(0, 1));
        assertThat(List.of(clickAgain, open, delivery)).containsOnly(SesEventHandler.Result.NONE);
        assertThat(fixture.delivery(dispatch, camille).status()).isEqualTo(DeliveryStatus.CLICKED);
    }

    @Test
    void engagementAfterAPermanentBounce_keepsTheDeliveryFailed() throws IOException {
        // given
        DispatchRecipient camille = EmailFixture.recipient("user-42", "en", ADDRESS);
        Dispatch dispatch = fixture.dispatch("booking.created", EmailFixture.booking(), camille);
        fixture.handler.deliver(dispatch);
        handler.handle(event("ses-bounce-permanent.json", sentTags(), "Permanent"));

        // when
        SesEventHandler.Result result = handler.handle(event("ses-open.json", sentTags(), null));

        // then
        assertThat(result).isEqualTo(SesEventHandler.Result.NONE);
        assertThat(fixture.delivery(dispatch, camille).status()).isEqualTo(DeliveryStatus.FAILED);
    }

    @Test
    void deliveryReportedBeforeTheSendIsRecorded_throwsSoThatLambdaRetries() throws IOException {
        // given: a delivery the channel has claimed (SENDING) but not yet recorded as SENT
        DeliveryKey key = new DeliveryKey("n-early", "booking.created", Channel.EMAIL, "user-42");
        fixture.deliveries.create(Delivery.pending(key, Instant.now(), null));
        fixture.deliveries.claim(key);
        EventEnvelope delivered = event("ses-delivery.json", SesTags.of(key), null);

        // when / then: refused while SENDING, applied once the send is recorded
        assertThatThrownBy(() -> handler.handle(delivered)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("n-early").hasMessageContaining("still SENDING");
        fixture.deliveries.finish(key, DeliveryStatus.SENT, null);
        assertThat(handler.handle(delivered)).isEqualTo(new SesEventHandler.Result(0, 1));
        assertThat(fixture.deliveries.find(key).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
    }

    @Test
    void engagementOfAnEmailWithoutHeraldsTags_isIgnored() throws IOException {
        // given / when
        SesEventHandler.Result result = handler.handle(event("ses-open.json", Map.of("herald-notification", "n1"), null));

        // then
        assertThat(result).isEqualTo(SesEventHandler.Result.NONE);
    }

    @Test
    void badOrPartialEngagementEvents_areIgnoredWithoutThrowing() throws IOException {
        // given: no detail at all, no mail, a tag that is not Herald's encoding, a delivery that does not exist, and a
        // detail-type that contradicts the detail's eventType
        EventEnvelope sample = event("ses-open.json", SesTags.of(new DeliveryKey("n1", "booking.created", Channel.EMAIL, "u1")), null);
        List<EventEnvelope> bad = List.of(
                withDetail(sample, "{}"),
                withDetail(sample, "{\"eventType\": \"Open\", \"open\": {}}"),
                withDetail(sample, "{\"eventType\": \"Open\", \"mail\": {\"tags\": {\"herald-notification\": [\"n1\"], "
                        + "\"herald-type\": [\"booking_ZZcreated\"], \"herald-recipient\": \"u1\"}}}"),
                withDetail(sample, "{\"eventType\": \"Open\", \"mail\": {\"tags\": \"not an object\"}}"),
                sample,
                new EventEnvelope("0", "e-x", "aws.ses", "Email Opened", "1", Instant.now(), "us-east-1", List.of(),
                        Json.parse("{\"eventType\": \"Click\"}")),
                new EventEnvelope("0", "e-y", "aws.ses", null, "1", Instant.now(), "us-east-1", List.of(), Json.parse("[1, 2]")));

        // when / then
        for (EventEnvelope event : bad) {
            assertThat(handler.handle(event)).as(Json.write(event.detail())).isEqualTo(SesEventHandler.Result.NONE);
        }
    }

    private static EventEnvelope withDetail(EventEnvelope event, String detail) {
        return new EventEnvelope(event.version(), event.id(), event.source(), event.detailType(), event.account(), event.time(),
                event.region(), event.resources(), Json.parse(detail));
    }

    /** The tags of the one email the SES stand-in accepted. */
    private Map<String, String> sentTags() {
        JsonNode request = fixture.sent().getFirst();
        return EmailChannelHandlerTest.tags(request);
    }

    private static EventEnvelope event(String file, Map<String, String> tags, String bounceType) throws IOException {
        try (InputStream in = SesEventHandlerTest.class.getResourceAsStream("/events/" + file)) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("__ADDRESS__", ADDRESS)
                    .replace("__BOUNCE_TYPE__", bounceType == null ? "Permanent" : bounceType)
                    .replace("__NOTIFICATION__", tags.getOrDefault(SesTags.NOTIFICATION, "x"))
                    .replace("\"__TYPE__\"", tags.containsKey(SesTags.TYPE) ? "\"" + tags.get(SesTags.TYPE) + "\"" : "null")
                    .replace("\"__RECIPIENT__\"", tags.containsKey(SesTags.RECIPIENT) ? "\"" + tags.get(SesTags.RECIPIENT) + "\"" : "null");
            return Json.read(json, EventEnvelope.class);
        }
    }
}
