package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The reliability benchmark's checks on a smaller scenario, in every build: under 10% transient errors, 5% duplicate
 * invocations, stale connections and a restart, no notification is lost, none is sent twice, and none reaches
 * another user.
 */
class ReliabilityTest {

    @Test
    void faultsDuplicatesStaleSocketsAndARestart_loseNothing_sendNothingTwice_andNothingToTheWrongUser() throws Exception {
        // given: 12 users (4 with a stale connection), 240 events at 120/s, herald local restarting halfway
        Reliability.Scenario scenario = new Reliability.Scenario(12, 4, 240, 120);

        // when
        Reliability.Outcome outcome = Reliability.run(Path.of("../templates"), scenario);
        outcome.print();

        // then
        assertThat(outcome.published()).isEqualTo(240);
        assertThat(outcome.injected()).as("every kind of fault was injected")
                .hasEntrySatisfying("connections 5xx", n -> assertThat(n).isPositive())
                .hasEntrySatisfying("ses 5xx", n -> assertThat(n).isPositive())
                .hasEntrySatisfying("invocations duplicate", n -> assertThat(n).isPositive());
        assertThat(outcome.reconnects()).as("every client reconnected after the restart").isGreaterThanOrEqualTo(12);
        assertThat(outcome.clean()).as(outcome.toString()).isTrue();
        assertThat(outcome.redriven()).as("what the restart interrupted ran again by itself, with no redrive by hand").isZero();
    }
}
