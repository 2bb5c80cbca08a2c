package dev.herald.channel.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryKey;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmailComposerTest {

    private final Catalog catalog = CatalogLoader.fromClasspath();
    private final DeliveryKey key = new DeliveryKey("n 1", "booking.created", Channel.EMAIL, "user/42");

    @Test
    void compose_takesSenderFromTheCatalog_andMakesTheSubjectOneLine() {
        // given
        var composer = new EmailComposer(Optional.empty());

        // when
        EmailMessage message = composer.compose(catalog.require("booking.created"), key, "a@example.com", "Booked:\n  Hôtel\r\n", "<p>x</p>", " ");

        // then
        assertThat(message.from()).isEqualTo("Herald <notifications@herald.example>");
        assertThat(message.replyTo()).isEqualTo("support@herald.example");
        assertThat(message.subject()).isEqualTo("Booked: Hôtel");
        assertThat(message.text()).isNull();
        assertThat(message.headers()).isEmpty();
    }

    @Test
    void nonCriticalType_getsAOneClickLinkNamingTheDeliveryOnly() {
        // given
        var composer = new EmailComposer(Optional.of(URI.create("https://h.example/u?tenant=a")));

        // when
        EmailMessage message = composer.compose(catalog.require("booking.created"), key, "a@example.com", "s", null, "t");

        // then: encoded, an existing query kept, and no category or address in clear
        assertThat(message.headers()).containsExactly(
                new EmailMessage.Header("List-Unsubscribe", "<https://h.example/u?tenant=a&n=n+1&t=booking.created&r=user%2F42>"),
                new EmailMessage.Header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
    }

    @Test
    void criticalType_getsNoUnsubscribeHeaders() {
        // given
        var composer = new EmailComposer(Optional.of(URI.create("https://h.example/u")));

        // when
        EmailMessage message = composer.compose(catalog.require("email.send"), key, "a@example.com", "s", null, "t");

        // then
        assertThat(message.headers()).isEmpty();
    }

    @Test
    void isValidAddress_refusesWhatIsNotOnePlainAddress() {
        assertThat(EmailComposer.isValidAddress("a.b+c@example.co.uk")).isTrue();
        assertThat(EmailComposer.isValidAddress("Name <a@example.com>")).isFalse();
        assertThat(EmailComposer.isValidAddress("a@example.com\nBcc: b@example.com")).isFalse();
        assertThat(EmailComposer.isValidAddress("a@b@example.com")).isFalse();
        assertThat(EmailComposer.isValidAddress("nobody")).isFalse();
        assertThat(EmailComposer.isValidAddress(null)).isFalse();
    }

    @Test
    void message_withoutAnyBody_isRefused() {
        assertThatThrownBy(() -> new EmailComposer(Optional.empty())
                .compose(catalog.require("email.send"), key, "a@example.com", "s", "", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HTML or a text body");
    }
}
