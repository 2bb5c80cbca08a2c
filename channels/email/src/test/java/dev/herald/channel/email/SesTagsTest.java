package dev.herald.channel.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryKey;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SesTagsTest {

    private static final Pattern SES_ALLOWED = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    @Test
    void of_encodesEveryValueInSesCharacters_andDecodesBackExactly() {
        // given
        DeliveryKey key = new DeliveryKey("4f1c-evt#1", "booking.created", Channel.EMAIL, "guest+é@example.com");

        // when
        Map<String, String> tags = SesTags.of(key);

        // then
        assertThat(tags.values()).allMatch(v -> SES_ALLOWED.matcher(v).matches());
        assertThat(tags).containsEntry(SesTags.TYPE, "booking_2Ecreated");
        assertThat(SesTags.deliveryKey(tags)).contains(key);
    }

    @Test
    void deliveryKey_withoutAllTags_isEmpty() {
        // given / when / then
        assertThat(SesTags.deliveryKey(Map.of(SesTags.NOTIFICATION, "n1", SesTags.TYPE, "t"))).isEmpty();
        assertThat(SesTags.deliveryKey(Map.of(SesTags.NOTIFICATION, "n1", SesTags.TYPE, "t", SesTags.RECIPIENT, "bad_"))).isEmpty();
    }

    @Test
    void of_leavesOutAValueTooLongForSes() {
        // given
        DeliveryKey key = new DeliveryKey("n1", "t", Channel.EMAIL, "x".repeat(300));

        // when / then
        assertThat(SesTags.of(key)).containsOnlyKeys(SesTags.NOTIFICATION, SesTags.TYPE);
    }
}
