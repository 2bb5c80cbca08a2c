package dev.herald.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {

    @Test
    void beforeCheckpoint_runsThePriming() {
        // given
        AtomicInteger runs = new AtomicInteger();
        SnapStartPriming priming = SnapStartPriming.register("TestHandler", runs::incrementAndGet);

        // when
        priming.beforeCheckpoint(null);

        // then
        assertThat(runs).hasValue(1);
    }

    @Test
    void beforeCheckpoint_whenPrimingFails_letsTheSnapshotGoAhead() {
        // given
        SnapStartPriming priming = SnapStartPriming.register("TestHandler", () -> {
            throw new IllegalStateException("the table is not reachable");
        });

        // then
        assertThatCode(() -> priming.beforeCheckpoint(null)).doesNotThrowAnyException();
    }
}
