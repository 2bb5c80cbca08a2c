package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.herald.cdk.HeraldFunction;
import dev.herald.json.Json;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The cost benchmark's measuring parts: the log meter, the EMF sample, and the X-Ray and network-time arithmetic. */
class CostTest {

    @Test
    void logMeter_handlerLinesAtInfo_countedWithTheirRenderedBytes_localAndDebugLinesNot() {
        // given
        LambdaLogs logs = LambdaLogs.start();
        try {
            // when
            LoggerFactory.getLogger("dev.herald.processor.ProcessorHandler").info("routed booking.created: 3 to send, 0 skipped");
            LoggerFactory.getLogger("dev.herald.processor.ProcessorHandler").debug("not shipped");
            LoggerFactory.getLogger("dev.herald.local.bus.AsyncInvoker").warn("herald local's own, not Lambda's");
            Map<String, LambdaLogs.Count> counts = logs.snapshot();

            // then
            assertThat(counts).containsOnlyKeys("ProcessorHandler");
            assertThat(counts.get("ProcessorHandler").events()).isEqualTo(1);
            assertThat(counts.get("ProcessorHandler").bytes()).isGreaterThan(400);
        } finally {
            logs.stop();
        }
    }

    @Test
    void render_handlerEvent_isOneJsonLineWithPowertoolsLambdaFields() {
        // given
        LambdaLogs logs = LambdaLogs.start();
        try {
            var event = Log4jLogEvent.newBuilder().setLoggerName("dev.herald.channel.email.EmailChannelHandler").setLevel(Level.INFO)
                    .setMessage(new SimpleMessage("email dispatch booking.created: 1 sent")).setTimeMillis(0).build();

            // when
            String line = logs.render(event);

            // then
            var json = Json.parse(line);
            assertThat(line).doesNotContain("\n");
            assertThat(json.path("message").asText()).isEqualTo("email dispatch booking.created: 1 sent");
            assertThat(json.path("function_name").asText()).isEqualTo(LambdaLogs.physicalName(HeraldFunction.EMAIL_CHANNEL));
            assertThat(json.path("function_arn").asText()).endsWith(":live");
            assertThat(json.path("function_request_id").asText()).hasSize(36);
            assertThat(json.path("xray_trace_id").asText()).startsWith("1-");
            assertThat(json.path("service").asText()).isEqualTo("herald-email-channel");
        } finally {
            logs.stop();
        }
    }

    @Test
    void physicalName_longConstructId_fitsLambdasLimit() {
        // given / when
        String name = LambdaLogs.physicalName(HeraldFunction.WEBSOCKET_CHANNEL);

        // then
        assertThat(name).hasSizeLessThanOrEqualTo(64).startsWith("Herald-dev-Functions");
    }

    @Test
    void emfLineBytes_inLambdasEnvironment_measuresPowertoolsLine() {
        // given / when
        Map<HeraldFunction, Long> bytes = LambdaLogs.emfLineBytes(List.of(HeraldFunction.PROCESSOR));

        // then: namespace, dimensions, one metric, its value: a couple of hundred bytes
        assertThat(bytes.get(HeraldFunction.PROCESSOR)).isBetween(150L, 1_000L);
    }

    @Test
    void tracesSampled_highRate_approachesFivePercentOfTraceRoots() {
        // given: two trace roots per notification (enrichment and processor), none from the status stream
        Cost.Usage usage = usage(Map.of(HeraldFunction.ENRICHMENT, 1.0, HeraldFunction.PROCESSOR, 1.0), 0);

        // when
        double atHundred = usage.tracesSampled(100);
        double atOne = usage.tracesSampled(1);

        // then: 1 a second from each reservoir and 5% of the rest; at 1/s the reservoirs record everything
        assertThat(usage.tracesAll()).isEqualTo(2.0);
        assertThat(atHundred).isCloseTo(2 * (1 + 0.05 * 99) / 100, within(1e-9));
        assertThat(atOne).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void gbSecondsWith_networkTime_addsEachCallAtItsFunctionsMemory() {
        // given: 10 DynamoDB calls, a processor invocation, and a WebSocket channel invocation that posts once
        Cost.Usage usage = usage(Map.of(HeraldFunction.PROCESSOR, 1.0, HeraldFunction.WEBSOCKET_CHANNEL, 1.0), 10);

        // when
        double added = usage.gbSecondsWith(new Cost.NetworkTime(5, 20)) - usage.gbSecondsMeasured();

        // then: 10 x 5 ms + (1 post + the processor's 1 SendMessageBatch to the WebSocket queue) x 20 ms, at 1 GB
        assertThat(added).isCloseTo((10 * 5 + 2 * 20) / 1000.0, within(1e-9));
    }

    private static Cost.Usage usage(Map<HeraldFunction, Double> invocations, double dynamoCalls) {
        Map<HeraldFunction, Cost.Usage.Invocations> each = new java.util.EnumMap<>(HeraldFunction.class);
        invocations.forEach((f, n) -> each.put(f, new Cost.Usage.Invocations(n, 10)));
        double posts = invocations.containsKey(HeraldFunction.WEBSOCKET_CHANNEL) ? 1 : 0;
        return new Cost.Usage(1, 0, 0, 0, dynamoCalls, posts, 0, 0, 0, each, Map.of());
    }
}
