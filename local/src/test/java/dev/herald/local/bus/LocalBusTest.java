package dev.herald.local.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.CatalogLoader;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.recipient.ManagementEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The local bus matches with the catalog's own rule patterns: what the CDK deploys is what runs here. */
class LocalBusTest {

    private static final List<LocalBus.Rule> RULES = rules();

    private static List<LocalBus.Rule> rules() {
        List<LocalBus.Rule> rules = new ArrayList<>();
        CatalogLoader.load(Path.of("../templates/catalog.yaml")).rulePatterns()
                .forEach((type, pattern) -> rules.add(new LocalBus.Rule(type, pattern, "enrichment", LocalBus.Input.MATCHED_EVENT)));
        rules.add(new LocalBus.Rule("recipients", ManagementEvents.rulePattern(ManagementEvents.RECIPIENT_EVENTS), "recipients", LocalBus.Input.EVENT));
        return rules;
    }

    private static List<String> match(String source, String detailType) {
        LocalBus bus = new LocalBus(RULES, null, new EventLog(10, java.time.Clock.systemUTC()));
        return bus.match(EventEnvelope.create(source, detailType, Json.object().put("userId", "u1")));
    }

    @Test
    void catalogType_fromItsSource_matchesItsRule() {
        // a booking is confirmed at once, and its check-in reminder scheduled: two types match it
        assertThat(match("demo.app", "booking.created")).containsExactly("booking.created", "booking.checkin-reminder");
    }

    @Test
    void catalogType_fromAnotherSource_matchesNothing() {
        assertThat(match("other.app", "booking.created")).isEmpty();
    }

    @Test
    void heraldsOwnEvents_neverMatchManagementRules() {
        assertThat(match("herald", "Recipient Upserted")).isEmpty();
        assertThat(match("demo.app", "Recipient Upserted")).containsExactly("recipients");
    }
}
