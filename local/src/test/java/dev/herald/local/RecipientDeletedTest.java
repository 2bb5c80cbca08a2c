package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.catalog.Channel;
import dev.herald.channel.push.DeviceEventsHandler;
import dev.herald.channel.push.DeviceRegistrar;
import dev.herald.enrichment.recipients.RecipientEventsHandler;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.local.bus.EventLog;
import dev.herald.local.store.LocalStore;
import dev.herald.recipient.Device;
import dev.herald.recipient.ManagementEvents;
import dev.herald.recipient.RecipientProfile;
import dev.herald.schedule.Waits;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/**
 * {@code Recipient Deleted} reaches two functions: the recipients function deletes the profile, topics and
 * unsubscribes, the devices function every device with its SNS endpoint. Through the bus, and with the two handlers
 * run directly in either order and repeated: nothing of the recipient is left in the table or in SNS.
 */
class RecipientDeletedTest {

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();
    private SnsClient sns;

    @BeforeEach
    void snsClient() {
        sns = local.client(SnsClient.builder());
    }

    @AfterEach
    void closeSnsClient() {
        sns.close();
    }

    @Test
    void recipientDeleted_onTheBus_reachesBothFunctions_andLeavesNothingInTheTableOrInSns() throws Exception {
        // given: a recipient with a profile, two devices, a topic and a one-click unsubscribe
        List<String> endpoints = recipientWithEverything("user-deleted");

        // when
        String eventId = LocalFixture.publish(local, "crm.app", ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"user-deleted\"}");

        // then
        LocalFixture.await("both functions done", Duration.ofSeconds(10), () -> local.events().find(eventId)
                .filter(e -> e.steps().size() == 2 && e.state().equals("DONE")).isPresent());
        EventLog.Entry handled = local.events().find(eventId).orElseThrow();
        assertThat(handled.matched()).containsExactlyInAnyOrder(HeraldLocal.RECIPIENTS, HeraldLocal.DEVICES);
        assertThat(handled.steps()).allSatisfy(step -> assertThat(step.result().path("applied").asBoolean()).as(step.toString()).isTrue());
        assertNothingLeft("user-deleted", endpoints);
    }

    @ParameterizedTest(name = "{0} first")
    @ValueSource(strings = {"recipients", "devices"})
    void recipientDeleted_handledInEitherOrder_andRepeated_leavesNothing(String first) throws Exception {
        // given
        String user = "user-order-" + first;
        List<String> endpoints = recipientWithEverything(user);
        RecipientEventsHandler recipients = new RecipientEventsHandler(local.catalog(), local.recipients(), Clock.systemUTC(),
                new Waits(local.store().dynamo(), LocalStore.TABLES.deliveries(), Duration.ofDays(30)), bodies -> { });
        DeviceEventsHandler devices = new DeviceEventsHandler(new DeviceRegistrar(sns, local.recipients(),
                DeviceRegistrar.applicationArns(local.config()), Clock.systemUTC()));
        EventEnvelope deleted = EventEnvelope.create("crm.app", ManagementEvents.RECIPIENT_DELETED, Json.object().put("recipientId", user));

        // when: EventBridge invokes the two targets independently, and at least once each
        if (first.equals("recipients")) {
            assertThat(recipients.handle(deleted).applied()).isTrue();
            assertThat(devices.handle(deleted).applied()).isTrue();
        } else {
            assertThat(devices.handle(deleted).applied()).isTrue();
            assertThat(recipients.handle(deleted).applied()).isTrue();
        }
        assertThat(devices.handle(deleted).applied()).isTrue();
        assertThat(recipients.handle(deleted).applied()).isTrue();

        // then
        assertNothingLeft(user, endpoints);
    }

    /** Registers two devices through the bus (real SNS endpoints) and stores the rest directly; returns the endpoints. */
    private List<String> recipientWithEverything(String user) throws InterruptedException {
        local.recipients().put(new RecipientProfile(user, "en", null, user + "@example.com", null, Map.of(), null, null));
        local.recipients().subscribe("guests", user);
        local.recipients().recordUnsubscribe(user, "bookings", Channel.EMAIL, "n-1");
        LocalFixture.publish(local, "mobile.app", ManagementEvents.DEVICE_REGISTERED,
                "{\"recipientId\":\"" + user + "\",\"deviceId\":\"phone\",\"platform\":\"APNS\",\"token\":\"apns-" + user + "\"}");
        LocalFixture.publish(local, "mobile.app", ManagementEvents.DEVICE_REGISTERED,
                "{\"recipientId\":\"" + user + "\",\"deviceId\":\"tablet\",\"platform\":\"GCM\",\"token\":\"fcm-" + user + "\"}");
        LocalFixture.await("two devices registered", Duration.ofSeconds(10), () -> local.recipients().devices(user).size() == 2);
        List<String> endpoints = local.recipients().devices(user).stream().map(Device::endpointArn).toList();
        endpoints.forEach(arn -> assertThat(sns.getEndpointAttributes(r -> r.endpointArn(arn)).attributes()).containsEntry("Enabled", "true"));
        return endpoints;
    }

    private void assertNothingLeft(String user, List<String> endpoints) {
        String pk = HeraldTables.RECIPIENTS.partitionKey();
        var items = local.store().dynamo().query(r -> r.tableName(LocalStore.TABLES.recipients()).consistentRead(true)
                .keyConditionExpression("#pk = :pk").expressionAttributeNames(Map.of("#pk", pk))
                .expressionAttributeValues(Map.of(":pk", Items.s("USER#" + user)))).items();
        assertThat(items).as("the recipient's partition").isEmpty();
        assertThat(local.recipients().members("guests", null, 100)).doesNotContain(user);
        for (String arn : endpoints) {
            assertThatThrownBy(() -> sns.getEndpointAttributes(r -> r.endpointArn(arn))).as(arn).isInstanceOf(NotFoundException.class);
        }
    }
}
