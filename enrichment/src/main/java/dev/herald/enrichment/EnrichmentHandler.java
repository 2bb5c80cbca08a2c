package dev.herald.enrichment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.EnricherSpec;
import dev.herald.catalog.NotificationType;
import dev.herald.catalog.RecipientSpec;
import dev.herald.config.HeraldEnv;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.event.InvalidEventException;
import dev.herald.fanout.FanOutProgress;
import dev.herald.idempotency.IdempotencyKeys;
import dev.herald.json.Json;
import dev.herald.lambda.JsonHandler;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.observability.EmfRefusalMetrics;
import dev.herald.observability.RefusalMetrics;
import dev.herald.queue.MessageSender;
import dev.herald.queue.MessageSplitter;
import dev.herald.queue.QueueLimits;
import dev.herald.recipient.RecipientRepository;
import dev.herald.schedule.Cancellations;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrichment Lambda: resolves a matched event's recipients (profile, locale, devices, suppression) and adds the
 * data of the type's external enrichers. Its result goes on to the processor. An event that can never be delivered
 * comes out rejected with a reason, rather than failing, so it is recorded instead of retried.
 *
 * <p>The result travels to the processor as work units on the processor's queue ({@link HandOff}). A topic's
 * audience is not read here: its first page goes to the fan-out function ({@link FanOutHandler}), which reads the
 * audience page by page, whatever its size. An event whose data is too large for a queue message is refused as
 * {@code too_large} and counted in the {@code NotificationsRefused} metric, which is alarmed.
 */
public final class EnrichmentHandler extends JsonHandler<MatchedEvent, EnrichedEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentHandler.class);
    /** The {@code Service} dimension of this function's metrics. */
    public static final String SERVICE = "enrichment";

    private final Catalog catalog;
    private final RecipientResolver resolver;
    private final RecipientRepository recipients;
    private final ExternalEnricher enricher;
    private final RefusalMetrics refusals;
    private final HandOff handOff;
    private final MessageSender fanOutQueue;
    private final FanOutProgress progress;
    private final IdempotencyKeys idempotencyKeys;
    private final CancelEvents cancels;

    /** Lambda entry point: everything from the environment. */
    public EnrichmentHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public EnrichmentHandler(Wiring wiring) {
        this(wiring.catalog(), wiring.recipients(), HttpEnricher.create(), new EmfRefusalMetrics(SERVICE),
                wiring.queue(HeraldEnv.PROCESSOR_QUEUE_URL), wiring.queue(HeraldEnv.FANOUT_QUEUE_URL), wiring.fanOutProgress(),
                wiring.idempotencyKeys(), wiring.cancellations(), wiring.deliveries());
    }

    /**
     * @param processorQueue where units of recipients go
     * @param fanOutQueue    where a topic's first page goes, for the fan-out function
     * @param cancellations  what types' {@code cancelOn} events record, and the waiting deliveries they withdraw
     */
    public EnrichmentHandler(Catalog catalog, RecipientRepository recipients, ExternalEnricher enricher, RefusalMetrics refusals,
                             MessageSender processorQueue, MessageSender fanOutQueue, FanOutProgress progress, IdempotencyKeys idempotencyKeys,
                             Cancellations cancellations, DeliveryRepository deliveries) {
        super(MatchedEvent.class);
        this.idempotencyKeys = idempotencyKeys;
        this.cancels = new CancelEvents(cancellations, deliveries);
        this.handOff = new HandOff(processorQueue);
        this.fanOutQueue = fanOutQueue;
        this.progress = progress;
        this.catalog = catalog;
        this.resolver = new RecipientResolver(recipients);
        this.recipients = recipients;
        this.enricher = enricher;
        this.refusals = refusals;
    }

    @Override
    protected void prime() {
        super.prime();
        recipients.load(SnapStartPriming.PRIMING_ID);
    }

    /**
     * Enriches the event and hands it on: its recipients to the processor, or, for a topic, its first page to the
     * fan-out. Returns what was handed over (for a topic, the event and data without recipients).
     */
    @Override
    public EnrichedEvent handle(MatchedEvent matched) {
        if (matched.isCancel()) {
            // nothing is sent for a cancel: it withdraws what waits, and what comes later with its key
            catalog.find(matched.type()).ifPresentOrElse(type -> cancels.cancel(type, matched.event()),
                    () -> LOG.warn("cancel for unknown type {}; the catalog's types are {}", matched.type(), catalog.typeIds()));
            return null;
        }
        Enriched result = enrich(matched);
        EnrichedEvent enriched = result.event();
        try {
            if (!result.topics().isEmpty()) {
                startFanOut(enriched, result.topics());
                return enriched;
            }
            int units = handOff.send(enriched);
            LOG.info("handed {} to the processor in {} unit(s)", enriched.typeId(), units);
            return enriched;
        } catch (MessageSplitter.MessageTooLargeException e) {
            EnrichedEvent refused = refuse(enriched.typeId(), enriched.event(), DeliveryReason.TOO_LARGE + ": the event's template data "
                    + "(its detail and what the enrichers added) makes a work unit of " + e.bytes() + " bytes with a single recipient, over the "
                    + QueueLimits.MESSAGE_BYTES + " bytes a queue message takes; nothing was sent; send less data in the event");
            handOff.send(refused);
            return refused;
        }
    }

    /**
     * Starts a topic's fan-out: records its progress and queues its first page. The page carries the event and its
     * data; one that would not fit a queue message is refused as too large, like a unit.
     */
    private void startFanOut(EnrichedEvent enriched, List<String> topics) {
        TopicPage first = TopicPage.first(enriched.typeId(), enriched.event(), enriched.data(), topics);
        List<String> page = MessageSplitter.split(List.of(first), 1, List::getFirst);
        progress.start(enriched.event().id(), enriched.typeId(), topics);
        fanOutQueue.sendAll(page);
        LOG.info("started the fan-out of {} to topic(s) {}", enriched.typeId(), String.join(", ", topics));
    }

    /** The enriched event, and the topics still to read when its audience is a topic's. */
    private record Enriched(EnrichedEvent event, List<String> topics) {
        static Enriched of(EnrichedEvent event) {
            return new Enriched(event, List.of());
        }
    }

    private Enriched enrich(MatchedEvent matched) {
        EventEnvelope event = matched.event();
        if (event == null || event.id() == null) {
            throw new InvalidEventException("input is not a matched event {type, event}; rules must wrap the event with its type");
        }
        NotificationType type = catalog.find(matched.type()).orElse(null);
        if (type == null) {
            return Enriched.of(reject(matched.type(), event, DeliveryReason.UNKNOWN_TYPE + ": " + matched.type()
                    + " is not in the catalog; catalog types are " + String.join(", ", catalog.typeIds())));
        }
        try {
            event.validate();
        } catch (InvalidEventException e) {
            return Enriched.of(reject(type.id(), event, DeliveryReason.INVALID_EVENT + ": " + e.getMessage()));
        }
        var idempotency = type.timing().idempotencyKey();
        var key = idempotency.of(Json.tree(event));
        if (key.isPresent()) {
            var owner = idempotencyKeys.claim(type.id(), key.get(), event.id(), idempotency.window());
            if (owner.isPresent()) {
                return Enriched.of(reject(type.id(), event, DeliveryReason.DUPLICATE + ": event " + owner.get() + " with the same "
                        + idempotency.path() + " ('" + key.get() + "') was notified within " + idempotency.window().toString().substring(2).toLowerCase(Locale.ROOT) + "; this one is skipped"));
            }
        }
        boolean topic = type.recipients().kind() == RecipientSpec.Kind.TOPIC;
        List<ResolvedRecipient> recipients;
        List<String> topics;
        try {
            topics = topic ? resolver.values(type, event) : List.of();
            recipients = topic ? List.of() : resolver.resolve(type, event);
        } catch (RecipientResolver.Rejection e) {
            return Enriched.of(reject(type.id(), event, e.getMessage()));
        }
        ObjectNode data = event.detail().deepCopy();
        for (EnricherSpec spec : type.enrichers()) {
            try {
                data.set(spec.name(), enricher.fetch(spec, event));
            } catch (EnrichmentUnavailableException | IllegalArgumentException e) {
                if (spec.required()) {
                    throw e instanceof EnrichmentUnavailableException u ? u : new EnrichmentUnavailableException(e.getMessage(), e);
                }
                LOG.warn("optional enricher {} skipped: {}", spec.name(), e.getMessage());
            }
        }
        if (topic) {
            return new Enriched(EnrichedEvent.of(type.id(), event, data, List.of()).asFanOut(), topics);
        }
        LOG.info("enriched {} for {} recipient(s)", type.id(), recipients.size());
        return Enriched.of(EnrichedEvent.of(type.id(), event, data, recipients));
    }

    /** Herald cannot carry the notification: recorded like a rejection, and counted so that someone is alerted. */
    private EnrichedEvent refuse(String typeId, EventEnvelope event, String reason) {
        refusals.refused();
        LOG.error("refused event: {}", reason);
        return EnrichedEvent.rejected(typeId, event, reason);
    }

    private static EnrichedEvent reject(String typeId, EventEnvelope event, String reason) {
        LOG.warn("rejected event: {}", reason);
        return EnrichedEvent.rejected(typeId, event, reason);
    }

    @Override
    protected String correlationId(MatchedEvent request) {
        return request.event() == null ? "unknown" : request.event().id();
    }
}
