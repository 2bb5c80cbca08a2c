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
        assertThatThrownBy(() -> faults.add("lambda", "gone", 1)).hasMessageContaining("use connections, ses or sns");
        assertThatThrownBy(() -> faults.add("sns", "gone", 1)).hasMessageContaining("unknown error 'gone' for sns");
        assertThatThrownBy(() -> faults.add("ses", "throttle", 0)).hasMessageContaining("count must be between 1 and 10000");
    }
}
