package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Channel;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.observability.NotificationMetrics;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ChannelDispatcherTest {

    @Test
    void submit_runsTheWorkWithTheCallersLogContext() {
        // given: the handler thread's log context, as Powertools sets it for an invocation
        ChannelDispatcher dispatcher = new ChannelDispatcher(Channel.WEBSOCKET,
                new DeliveryRepository(LocalDynamo.client(), LocalDynamo.freshTables().deliveries(), Clock.systemUTC(), Duration.ofDays(1)),
                NotificationMetrics.NONE, 4);
        MDC.setContextMap(Map.of("function_name", "herald-test-WebSocketChannel", "correlation_id", "evt-1"));
        try {
            // when
            Map<String, String> seen = ChannelDispatcher.await(dispatcher.submit(MDC::getCopyOfContextMap));

            // then: a line logged by the work is attributed like the handler's own
            assertThat(seen).containsEntry("function_name", "herald-test-WebSocketChannel").containsEntry("correlation_id", "evt-1");
        } finally {
            MDC.clear();
        }
    }
}
