package dev.herald.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void after_doublesPerReceive_withinTheUpperHalfOfEachStep_andCapsAtFifteenMinutes() {
        // given
        RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(10));

        // when / then
        for (int i = 0; i < 50; i++) {
            assertThat(backoff.after(1)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
            assertThat(backoff.after(3)).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(40));
            assertThat(backoff.after(30)).isBetween(Duration.ofMinutes(7).plusSeconds(30), Duration.ofMinutes(15));
        }
    }

    @Test
    void after_withABaseUnderASecond_waitsAWholeSecond_becauseSqsCountsInSeconds() {
        assertThat(new RetryBackoff(Duration.ofMillis(50)).after(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(new RetryBackoff(Duration.ZERO).after(4)).isZero();
    }
}
