package dev.herald.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultsTest {

    @Test
    void next_usesEachFaultUpOncePerCall_perService() {
        // given
        Faults faults = new Faults();
        faults.add("connections", "gone", 2);
        faults.add("ses", "MessageRejected", 1);

        // then
        assertThat(faults.next(Faults.Service.SNS)).isEmpty();
        assertThat(faults.next(Faults.Service.CONNECTIONS)).contains("gone");
        assertThat(faults.next(Faults.Service.SES)).contains("MessageRejected");
        assertThat(faults.next(Faults.Service.CONNECTIONS)).contains("gone");
        assertThat(faults.next(Faults.Service.CONNECTIONS)).isEmpty();
        assertThat(faults.list()).isEmpty();
    }

    @Test
    void add_unknownTargetOrError_saysWhatIsAccepted() {
        Faults faults = new Faults();
        assertThatThrownBy(() -> faults.add("lambda", "gone", 1)).hasMessageContaining("use connections, ses, sns or invocations");
        assertThatThrownBy(() -> faults.add("sns", "gone", 1)).hasMessageContaining("unknown error 'gone' for sns");
        assertThatThrownBy(() -> faults.add("ses", "throttle", 0)).hasMessageContaining("count must be between 1 and 10000");
    }

    @Test
    void addRate_failsAboutThatShareOfCalls_untilCleared_afterCountedFaults() {
        // given
        Faults faults = new Faults();
        faults.addRate("connections", "5xx", 0.1);
        faults.add("connections", "gone", 1);

        // when
        String first = faults.next(Faults.Service.CONNECTIONS).orElseThrow();
        int failed = 0;
        for (int i = 0; i < 10_000; i++) {
            failed += faults.next(Faults.Service.CONNECTIONS).isPresent() ? 1 : 0;
        }

        // then: the counted fault first, then one call in ten (within five standard deviations), and none once cleared
        assertThat(first).isEqualTo("gone");
        assertThat(failed).isBetween(850, 1150);
        int counted = failed;
        assertThat(faults.list()).singleElement().satisfies(f -> {
            assertThat(f.rate()).isEqualTo(0.1);
            assertThat(f.injected()).as("the calls it answered").isEqualTo(counted);
        });
        faults.clear();
        assertThat(faults.next(Faults.Service.CONNECTIONS)).isEmpty();
    }

    @Test
    void addRate_outsideZeroToOne_isRefused() {
        Faults faults = new Faults();
        assertThatThrownBy(() -> faults.addRate("ses", "5xx", 0)).hasMessageContaining("rate must be above 0 and at most 1");
        assertThatThrownBy(() -> faults.addRate("ses", "5xx", 1.5)).hasMessageContaining("rate must be above 0 and at most 1");
        assertThatThrownBy(() -> faults.addRate("invocations", "5xx", 0.1)).hasMessageContaining("use one of [duplicate]");
    }
}
