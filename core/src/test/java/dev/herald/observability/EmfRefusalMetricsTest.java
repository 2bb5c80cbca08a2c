package dev.herald.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmfRefusalMetricsTest {

    @Test
    void refused_writesOneEmfLineWithTheServiceAsItsOnlyDimension() {
        // given
        List<String> lines = new ArrayList<>();
        Clock clock = Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC);

        // when
        new EmfRefusalMetrics("enrichment", clock, lines::add).refused();

        // then
        assertThat(lines).hasSize(1);
        JsonNode line = Json.parse(lines.getFirst());
        JsonNode directive = line.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(line.path("_aws").path("Timestamp").asLong()).isEqualTo(clock.millis());
        assertThat(directive.path("Namespace").asText()).isEqualTo("Herald");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Service\"]]");
        assertThat(directive.path("Metrics").toString()).isEqualTo("[{\"Name\":\"NotificationsRefused\",\"Unit\":\"Count\"}]");
        assertThat(line.path("Service").asText()).isEqualTo("enrichment");
        assertThat(line.path("NotificationsRefused").asInt()).isEqualTo(1);
    }
}
