package dev.herald.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
        assertThatThrownBy(() -> faults.add("lambda", "gone", 1)).hasMessageContaining("use connections, ses, sns, sqs, scheduler or invocations");
        assertThatThrownBy(() -> faults.add("sns", "gone", 1)).hasMessageContaining("unknown error 'gone' for sns");
        assertThatThrownBy(() -> faults.add("ses", "throttle", 0)).hasMessageContaining("count must be between 1 and 10000");
    }

    @Test
    void limit_throttlesTheCallsOverTheRateWithinASecond_survivesClear_andIsLiftedWithZero() {
        // given
        Faults faults = new Faults();
        faults.limit(Faults.Service.SES, 3);

        // when: ten calls at once, then a clear
        long second = System.currentTimeMillis() / 1000;
        List<Optional<String>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(faults.next(Faults.Service.SES));
        }
        faults.clear();

        // then: within one second of the clock, three pass (more only if the second turned meanwhile)
        long throttled = answers.stream().filter(a -> a.equals(Optional.of(Faults.THROTTLE))).count();
        if (System.currentTimeMillis() / 1000 == second) {
            assertThat(throttled).isEqualTo(7);
        }
        assertThat(faults.limits().get(Faults.Service.SES).throttled()).isEqualTo(throttled);
        assertThat(faults.next(Faults.Service.SNS)).as("other services are not limited").isEmpty();

        // and when lifted
        faults.limit(Faults.Service.SES, 0);
        assertThat(faults.limits()).isEmpty();
        assertThat(faults.next(Faults.Service.SES)).isEmpty();
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

    @Test
    void addMatching_answersEveryCallAboutAMatchingSubject_untilCleared_beforeCountedFaults() {
        // given
        Faults faults = new Faults();
        faults.add("ses", "5xx", 1);
        faults.addMatching("ses", "MessageRejected", "rejected*");
        faults.addMatching("connections", "throttle", "conn-1");

        // then: a prefix ending in * or an exact subject, as often as asked
        assertThat(faults.next(Faults.Service.SES, List.of("ok@example.com", "rejected-1@example.com"))).contains("MessageRejected");
        assertThat(faults.next(Faults.Service.SES, List.of("rejected@example.com"))).contains("MessageRejected");
        assertThat(faults.next(Faults.Service.CONNECTIONS, List.of("conn-10"))).isEmpty();
        assertThat(faults.next(Faults.Service.CONNECTIONS, List.of("conn-1"))).contains("throttle");
        assertThat(faults.next(Faults.Service.CONNECTIONS, List.of("conn-1"))).contains("throttle");
        assertThat(faults.next(Faults.Service.SES, List.of("ok@example.com"))).as("the counted fault, unmatched subject").contains("5xx");
        assertThat(faults.next(Faults.Service.SES, List.of("ok@example.com"))).isEmpty();
        assertThat(faults.list()).filteredOn(f -> "rejected*".equals(f.matching())).singleElement()
                .satisfies(f -> assertThat(f.injected()).isEqualTo(2));
        faults.clear();
        assertThat(faults.next(Faults.Service.SES, List.of("rejected@example.com"))).isEmpty();
    }

    @Test
    void addMatching_withoutASubject_isRefused() {
        Faults faults = new Faults();
        assertThatThrownBy(() -> faults.addMatching("ses", "5xx", "*")).hasMessageContaining("matching must name a subject");
        assertThatThrownBy(() -> faults.addMatching("ses", "gone", "a@b")).hasMessageContaining("unknown error 'gone' for ses");
    }
}
