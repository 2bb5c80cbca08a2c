package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** herald local counts what a notification would be billed for in AWS. */
class AwsUsageTest {

    @Test
    void usage_oneNotificationToAConnectedUserWithAnAddress_isCountedAsAwsWouldBillIt() throws Exception {
        try (HeraldLocal local = HeraldLocal.start(LocalFixture.options())) {
            local.store().meterCapacity(true);
            // given: a user with an address and a live connection
            String upserted = LocalFixture.publish(local, "crm.app", "Recipient Upserted",
                    "{\"recipientId\":\"user-u\",\"locale\":\"en\",\"email\":\"u@example.com\"}");
            LocalFixture.await("the profile", Duration.ofSeconds(10), () -> local.events().find(upserted).filter(e -> "DONE".equals(e.state())).isPresent());
            try (var client = LocalFixture.Client.connect(local, local.token("user-u", Duration.ofMinutes(5)))) {
                AwsUsage before = local.usage();

                // when
                LocalFixture.publish(local, "demo.app", "booking.created", "{\"userId\":\"user-u\",\"bookingId\":\"BK-u\",\"hotelName\":\"H\","
                        + "\"city\":\"C\",\"checkIn\":\"2026-12-18\",\"nights\":2,\"guests\":1,\"total\":{\"amount\":10,\"currency\":\"EUR\"},"
                        + "\"manageUrl\":\"https://x.example\"}");
                client.nextItem();
                LocalFixture.await("the email, the Delivery Status event, and every invocation done", Duration.ofSeconds(10),
                        () -> local.usage().emailsSent() > before.emailsSent() && local.usage().heraldEvents() > before.heraldEvents()
                                && local.inFlight() == 0);
                AwsUsage after = local.usage();

                // then: the event and Herald's status event; one enrichment per type it matched (the confirmation, and the
                // check-in reminder, which waits); one attempt of each channel on the way; one message, one email
                assertThat(after.events() - before.events()).isGreaterThanOrEqualTo(2);
                assertThat(after.heraldEvents() - before.heraldEvents()).isPositive();
                assertThat(after.invocations().get("herald-enrichment").attempts() - attempts(before, "herald-enrichment")).isEqualTo(2);
                assertThat(after.invocations().get("herald-processor").attempts() - attempts(before, "herald-processor")).isBetween(1L, 2L);
                for (String function : new String[] {"herald-websocket", "herald-email"}) {
                    assertThat(after.invocations().get(function).attempts() - attempts(before, function)).as(function).isEqualTo(1);
                    assertThat(after.invocations().get(function).handlerNanos()).as(function).isPositive();
                }
                assertThat(after.framesPosted() - before.framesPosted()).as("the item, and the counts after it").isEqualTo(2);
                assertThat(after.emailsSent() - before.emailsSent()).isEqualTo(1);
                assertThat(after.pushesSent() - before.pushesSent()).isZero();
                assertThat(after.capacity().writeUnits() - before.capacity().writeUnits()).as("write units").isGreaterThanOrEqualTo(6);
                assertThat(after.capacity().readUnits() - before.capacity().readUnits()).as("read units").isPositive();
            }
        }
    }

    private static long attempts(AwsUsage usage, String function) {
        var u = usage.invocations().get(function);
        return u == null ? 0 : u.attempts();
    }
}
