package dev.herald.enrichment.recipients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.catalog.Channel;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.recipient.ManagementEvents;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.LocalTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecipientEventsHandlerTest {

    private RecipientRepository recipients;
    private RecipientEventsHandler handler;

    @BeforeEach
    void setUp() {
        recipients = new RecipientRepository(LocalDynamo.client(), LocalDynamo.freshTables().recipients(), Clock.systemUTC());
        handler = new RecipientEventsHandler(recipients, Clock.systemUTC());
    }

    private static EventEnvelope event(String detailType, String detail) {
        return EventEnvelope.create("crm.app", detailType, Json.parse(detail));
    }

    @Test
    void handle_recipientUpserted_storesTheProfile() {
        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, """
                {"recipientId":"u1","locale":"fr-CA","timeZone":"America/Montreal","email":"u1@example.com","displayName":"Élodie",
                 "optOuts":{"marketing":["email","push"]},"quietHours":{"start":"22:00","end":"07:00"}}"""));

        // then
        assertThat(result.applied()).isTrue();
        RecipientProfile p = recipients.find("u1").orElseThrow();
        assertThat(p.locale()).isEqualTo("fr-CA");
        assertThat(p.optedOut("marketing", Channel.PUSH)).isTrue();
        assertThat(p.quietHours().start()).isEqualTo(LocalTime.of(22, 0));
    }

    @Test
    void handle_topicSubscribedThenUnsubscribed_updatesMembership() {
        // when
        handler.handle(event(ManagementEvents.TOPIC_SUBSCRIBED, "{\"recipientId\":\"u1\",\"topic\":\"travel\"}"));
        var afterSubscribe = recipients.members("travel", null, 10);
        handler.handle(event(ManagementEvents.TOPIC_UNSUBSCRIBED, "{\"recipientId\":\"u1\",\"topic\":\"travel\"}"));

        // then
        assertThat(afterSubscribe).containsExactly("u1");
        assertThat(recipients.members("travel", null, 10)).isEmpty();
    }

    @Test
    void handle_recipientUpserted_keepsUnsubscribesRecordedByLinks() {
        // given: an opt-out from an email's one-click link, then the app upserts the profile without it
        handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\",\"email\":\"u1@example.com\"}"));
        recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1");

        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, """
                {"recipientId":"u1","email":"u1@example.com","optOuts":{"marketing":["push"]}}"""));

        // then
        assertThat(result.applied()).isTrue();
        var loaded = recipients.load("u1");
        assertThat(loaded.unsubscribed()).isEqualTo(java.util.Map.of("bookings", java.util.Set.of(Channel.EMAIL)));
        assertThat(loaded.profile().orElseThrow().optedOut("marketing", Channel.PUSH)).isTrue();
    }

    @Test
    void handle_recipientDeleted_removesUnsubscribesToo() {
        // given
        handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\"}"));
        recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-1");

        // when
        handler.handle(event(ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"u1\"}"));

        // then
        assertThat(recipients.load("u1").unsubscribed()).isEmpty();
        assertThat(recipients.recordUnsubscribe("u1", "bookings", Channel.EMAIL, "n-2")).as("recorded anew after the delete").isTrue();
    }

    @Test
    void handle_recipientDeleted_removesTheProfile() {
        // given
        handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\"}"));

        // when
        handler.handle(event(ManagementEvents.RECIPIENT_DELETED, "{\"recipientId\":\"u1\"}"));

        // then
        assertThat(recipients.find("u1")).isEmpty();
    }

    @Test
    void handle_invalidTimeZone_isRefusedWithAnExample() {
        // when
        var result = handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\",\"timeZone\":\"Paris\"}"));

        // then
        assertThat(result.applied()).isFalse();
        assertThat(result.error()).isEqualTo("Recipient Upserted: detail.timeZone 'Paris' is not an IANA time zone such as Europe/Paris");
        assertThat(recipients.find("u1")).isEmpty();
    }

    @Test
    void handle_missingRecipientId_isRefused() {
        assertThat(handler.handle(event(ManagementEvents.TOPIC_SUBSCRIBED, "{\"topic\":\"travel\"}")).error())
                .contains("detail.recipientId is required");
    }

    @Test
    void handle_unknownChannelInOptOuts_isRefused() {
        assertThat(handler.handle(event(ManagementEvents.RECIPIENT_UPSERTED, "{\"recipientId\":\"u1\",\"optOuts\":{\"news\":[\"sms\"]}}")).error())
                .contains("unknown channel 'sms'");
    }

    @Test
    void rulePattern_matchesManagementEventsFromAnySourceButHerald() {
        assertThat(Json.parse(ManagementEvents.rulePattern(ManagementEvents.RECIPIENT_EVENTS))).isEqualTo(Json.parse("""
                {"source":[{"anything-but":["herald"]}],
                 "detail-type":["Recipient Upserted","Recipient Deleted","Topic Subscribed","Topic Unsubscribed"]}"""));
    }
}
