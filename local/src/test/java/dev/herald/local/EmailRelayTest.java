package dev.herald.local;

import static dev.herald.local.LocalFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The shipped email.send is no open relay: only the sources its catalog pattern lists can send. */
class EmailRelayTest {

    private static final String MAIL = "{\"to\":\"guest@example.com\",\"subject\":\"Hello\",\"message\":\"Hi\"}";

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();

    @Test
    void emailSend_fromAListedSource_isSent() throws Exception {
        // given
        long before = local.outbox().emailsSent();

        // when
        LocalFixture.publish(local, "demo.app", "email.send", MAIL);

        // then
        LocalFixture.await("one email", Duration.ofSeconds(10), () -> local.outbox().emailsSent() == before + 1);
    }

    @Test
    void emailSend_fromAnUnlistedSource_matchesNoRuleAndSendsNothing() throws Exception {
        // given
        long before = local.outbox().emailsSent();

        // when
        String eventId = LocalFixture.publish(local, "someone.else", "email.send", MAIL);

        // then
        JsonNode status = json(LocalFixture.get(local, "/local/status/" + eventId).body());
        assertThat(status.path("state").asText()).isEqualTo("UNMATCHED");
        assertThat(local.deliveries().forNotification(eventId)).isEmpty();
        Thread.sleep(300);
        assertThat(local.outbox().emailsSent()).isEqualTo(before);
    }
}
