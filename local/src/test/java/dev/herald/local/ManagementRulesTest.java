package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.processor.status.RecipientUnsubscribedEvent;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.local.bus.EventLog;
import dev.herald.local.bus.LocalBus;
import dev.herald.processor.status.DeliveryStatusEvent;
import dev.herald.recipient.ManagementEvents;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Herald local's rules, the same patterns the CDK stack deploys: which function each management event reaches, and
 * that Herald's own events (source {@code herald}) reach none.
 */
class ManagementRulesTest {

    private static final Catalog CATALOG = CatalogLoader.load(LocalFixture.TEMPLATES.resolve(CatalogLoader.FILE_NAME));
    private static final LocalBus BUS = new LocalBus(HeraldLocal.rules(CATALOG), null, new EventLog(10, Clock.systemUTC()));

    private static List<String> match(String source, String detailType) {
        return BUS.match(EventEnvelope.create(source, detailType, Json.object().put("recipientId", "u1").put("userId", "u1")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Recipient Upserted", "Recipient Resubscribed", "Topic Subscribed", "Topic Unsubscribed"})
    void recipientEvents_fromAnApp_reachTheRecipientsFunctionOnly(String detailType) {
        assertThat(match("crm.app", detailType)).containsExactly(HeraldLocal.RECIPIENTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Device Registered", "Device Unregistered"})
    void deviceEvents_fromAnApp_reachTheDevicesFunctionOnly(String detailType) {
        assertThat(match("mobile.app", detailType)).containsExactly(HeraldLocal.DEVICES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"crm.app", "demo.app"})
    void recipientDeleted_fromAnApp_reachesBothFunctions(String source) {
        assertThat(match(source, ManagementEvents.RECIPIENT_DELETED)).containsExactlyInAnyOrder(HeraldLocal.RECIPIENTS, HeraldLocal.DEVICES);
    }

    @ParameterizedTest
    @MethodSource("everyDetailTypeHeraldKnows")
    void heraldsOwnEvents_matchNoRule(String detailType) {
        assertThat(match(EventEnvelope.HERALD_SOURCE, detailType)).as(detailType + " from herald").isEmpty();
    }

    /** Herald's own detail-types, every management event and every catalog type's. */
    static List<String> everyDetailTypeHeraldKnows() {
        List<String> detailTypes = new ArrayList<>(List.of(RecipientUnsubscribedEvent.DETAIL_TYPE, DeliveryStatusEvent.DETAIL_TYPE));
        detailTypes.addAll(ManagementEvents.RECIPIENT_EVENTS);
        detailTypes.addAll(ManagementEvents.DEVICE_EVENTS);
        detailTypes.addAll(CATALOG.typeIds());
        return detailTypes;
    }
}
