package dev.herald.channel.email;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.Channel;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.fanout.FanOutProgress;
import dev.herald.json.Json;
import dev.herald.local.aws.LocalAws;
import dev.herald.local.aws.SesApi;
import dev.herald.observability.NotificationMetrics;
import dev.herald.queue.TokenBucket;
import dev.herald.recipient.RecipientRepository;
import dev.herald.store.HeraldTables;
import dev.herald.templates.TemplateRenderer;
import dev.herald.templates.TemplateSource;
import dev.herald.testing.LocalDynamo;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The email channel wired as in Lambda: the real SesV2Client, signing with issued function credentials, against
 * herald local's SES stand-in ({@link LocalAws}), repositories on fresh DynamoDB Local tables, and the shipped
 * catalog and templates. An address's local part chooses an error, every time it is sent to (so the SDK's own
 * retries meet the same answer): {@code rejected…} → 400 MessageRejected, {@code invalid…} → 400
 * BadRequestException, {@code throttled…} → 429 TooManyRequestsException, {@code broken…} → 500.
 */
final class EmailFixture implements AutoCloseable {

    static final String CONFIGURATION_SET = "herald-test";
    static final URI UNSUBSCRIBE = URI.create("https://herald.example/unsubscribe");

    final Clock clock = Clock.systemUTC();
    final Catalog catalog = CatalogLoader.fromClasspath();
    final LocalAws aws;
    final SesV2Client ses;
    final RecipientRepository recipients;
    final DeliveryRepository deliveries;
    final HeraldTables.Names tables;
    final EmailChannelHandler handler;

    EmailFixture() throws Exception {
        this(null);
    }

    /** @param templates the template files, or null for the shipped ones */
    EmailFixture(TemplateSource templates) throws Exception {
        aws = LocalAws.start();
        aws.faults().addMatching("ses", "MessageRejected", "rejected*");
        aws.faults().addMatching("ses", "BadRequest", "invalid*");
        aws.faults().addMatching("ses", "throttle", "throttled*");
        aws.faults().addMatching("ses", "5xx", "broken*");
        ses = aws.client(SesV2Client.builder());
        tables = LocalDynamo.freshTables();
        recipients = new RecipientRepository(LocalDynamo.client(), tables.recipients(), clock);
        deliveries = new DeliveryRepository(LocalDynamo.client(), tables.deliveries(), clock, Duration.ofDays(30));
        handler = new EmailChannelHandler(recipients, deliveries, new SesEmailSender(ses, Optional.of(CONFIGURATION_SET)),
                new TemplateRenderer(templates == null ? TemplateSource.classpath() : templates, catalog),
                new EmailComposer(Optional.of(UNSUBSCRIBE)), NotificationMetrics.NONE,
                aws.channelQueue("email", TokenBucket.unlimited(), Duration.ZERO,
                        new FanOutProgress(LocalDynamo.client(), tables.deliveries(), clock, Duration.ofDays(30))));
    }

    static DispatchRecipient recipient(String id, String locale, String email) {
        return new DispatchRecipient(id, locale, "Europe/Paris", "Camille Martin", email, List.of());
    }

    static JsonNode booking() {
        return Json.parse("""
                {"userId":"user-42","bookingId":"BK-1","hotelName":"Hôtel du Lac & Spa","city":"Annecy","checkIn":"2026-12-18",
                 "nights":3,"guests":2,"total":{"amount":612.5,"currency":"EUR"},"manageUrl":"https://app.example/b/BK-1"}""");
    }

    /** A dispatch whose PENDING deliveries exist, as the processor leaves them. */
    Dispatch dispatch(String typeId, JsonNode data, DispatchRecipient... recipients) {
        Dispatch dispatch = new Dispatch(UUID.randomUUID().toString(), typeId, Channel.EMAIL, Instant.now(), data, List.of(recipients));
        for (DispatchRecipient r : recipients) {
            deliveries.create(Delivery.pending(dispatch.keyFor(r), clock.instant(), null));
        }
        return dispatch;
    }

    /** The SendEmail requests SES accepted, as their JSON bodies, in order. */
    List<JsonNode> sent() {
        return aws.calls(SesApi.SERVICE).stream().filter(call -> call.reply().status() == 200)
                .map(call -> Json.parse(call.request().bodyText())).toList();
    }

    /** Every SendEmail call, accepted or not (the SDK's retries included). */
    int attempts() {
        return aws.calls(SesApi.SERVICE).size();
    }

    Delivery delivery(Dispatch dispatch, DispatchRecipient recipient) {
        return deliveries.find(dispatch.keyFor(recipient)).orElseThrow();
    }

    @Override
    public void close() {
        aws.close();
    }
}
