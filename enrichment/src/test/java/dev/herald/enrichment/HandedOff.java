package dev.herald.enrichment;

import dev.herald.catalog.Catalog;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.fanout.FanOutProgress;
import dev.herald.idempotency.IdempotencyKeys;
import dev.herald.json.Json;
import dev.herald.observability.RefusalMetrics;
import dev.herald.queue.RetryBackoff;
import dev.herald.recipient.RecipientRepository;
import dev.herald.schedule.Cancellations;
import dev.herald.testing.LocalDynamo;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What enrichment hands on, collected as the queues would receive it: the processor's work units and the fan-out's
 * topic pages, with the fan-out's progress on a fresh deliveries table. {@link #fanOut} runs a started fan-out to
 * its end, page by page, as the fan-out function does.
 */
final class HandedOff {

    final List<String> units = new CopyOnWriteArrayList<>();
    final List<String> pages = new CopyOnWriteArrayList<>();
    final String deliveriesTable = LocalDynamo.freshTables().deliveries();
    final FanOutProgress progress = new FanOutProgress(LocalDynamo.client(), deliveriesTable, Clock.systemUTC(), Duration.ofDays(30));
    final DeliveryRepository deliveries = new DeliveryRepository(LocalDynamo.client(), deliveriesTable, Clock.systemUTC(), Duration.ofDays(30));

    EnrichmentHandler enrichment(Catalog catalog, RecipientRepository recipients, ExternalEnricher enricher) {
        return enrichment(catalog, recipients, enricher, () -> { });
    }

    EnrichmentHandler enrichment(Catalog catalog, RecipientRepository recipients, ExternalEnricher enricher, RefusalMetrics refusals) {
        return new EnrichmentHandler(catalog, recipients, enricher, refusals, units::addAll, pages::addAll, progress,
                new IdempotencyKeys(LocalDynamo.client(), deliveriesTable, Clock.systemUTC()),
                new Cancellations(LocalDynamo.client(), deliveriesTable, Clock.systemUTC(), Duration.ofDays(30)), deliveries);
    }

    FanOutHandler fanOutHandler(Catalog catalog, RecipientRepository recipients) {
        return new FanOutHandler(catalog, recipients, units::addAll, pages::addAll, progress, RetryBackoff.DEFAULT);
    }

    /** Reads every queued page, and the pages they queue, to the end; returns the pages read. */
    int fanOut(Catalog catalog, RecipientRepository recipients) {
        FanOutHandler handler = fanOutHandler(catalog, recipients);
        int read = 0;
        while (!pages.isEmpty()) {
            handler.read(Json.read(pages.removeFirst(), TopicPage.class));
            read++;
        }
        return read;
    }

    /** The units handed to the processor, in order. */
    List<EnrichedEvent> unitEvents() {
        return units.stream().map(u -> Json.read(u, EnrichedEvent.class)).toList();
    }

    /** Every recipient handed to the processor, in order. */
    List<ResolvedRecipient> recipients() {
        return unitEvents().stream().flatMap(u -> u.recipients().stream()).toList();
    }
}
