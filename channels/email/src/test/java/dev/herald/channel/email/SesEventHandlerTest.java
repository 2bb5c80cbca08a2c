package dev.herald.channel.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
        // given / when
        SesEventHandler.Result result = handler.handle(event("ses-delivery.json", Map.of(), null));

        // then
        assertThat(result).isEqualTo(SesEventHandler.Result.NONE);
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
