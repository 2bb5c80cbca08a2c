package dev.herald.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    @Test
    void tryAcquire_atFiftyPerSecond_neverLetsMoreThanOneOverTheRateIntoAnySecond() {
        // given
        TokenBucket bucket = TokenBucket.perSecond(50);
        List<Long> sends = new ArrayList<>();

        // when: a sender that would go as fast as it can, for 1.5 seconds
        long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < until) {
            if (bucket.tryAcquire(Duration.ofMillis(100))) {
                sends.add(System.nanoTime());
            }
        }

        // then: in every window of one second, at most 51 sends (the rate, plus the one token a bucket starts with)
        for (int i = 0; i < sends.size(); i++) {
            long windowEnd = sends.get(i) + Duration.ofSeconds(1).toNanos();
            long inWindow = sends.stream().filter(t -> t >= 0 && t < windowEnd).count() - i;
            assertThat(inWindow).isLessThanOrEqualTo(51);
        }
        assertThat(sends.size()).as("about 1 + 1.5 × 50").isBetween(60, 77);
    }

    @Test
    void tryAcquire_withNoRoomWithinTheWait_takesNothingAndSaysNo() {
        // given: one send per second, and the one token taken
        TokenBucket bucket = TokenBucket.perSecond(1);
        assertThat(bucket.tryAcquire(Duration.ZERO)).isTrue();

        // when / then
        assertThat(bucket.tryAcquire(Duration.ofMillis(50))).isFalse();
        assertThat(bucket.timeFor(3)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void unlimited_neverWaits() {
        // given
        TokenBucket bucket = TokenBucket.perSecond(0);

        // when / then
        Map<Boolean, Integer> answers = new TreeMap<>();
        for (int i = 0; i < 10_000; i++) {
            answers.merge(bucket.tryAcquire(Duration.ZERO), 1, Integer::sum);
        }
        assertThat(answers).containsExactly(Map.entry(true, 10_000));
        assertThat(bucket.isLimited()).isFalse();
        assertThat(bucket.timeFor(1000)).isZero();
    }
}
