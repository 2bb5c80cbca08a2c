package dev.herald.enrichment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.EnricherSpec;
import dev.herald.catalog.NotificationType;
import dev.herald.delivery.DeliveryReason;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.event.InvalidEventException;
import dev.herald.lambda.JsonHandler;
import dev.herald.json.Json;
import dev.herald.lambda.LambdaLimits;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.observability.EmfRefusalMetrics;
import dev.herald.observability.RefusalMetrics;
import dev.herald.recipient.RecipientRepository;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrichment Lambda: resolves a matched event's recipients (profile, locale, devices, suppression) and adds the
 * data of the type's external enrichers. Its result goes on to the processor. An event that can never be delivered
 * comes out rejected with a reason, rather than failing, so it is recorded instead of retried.
 *
 * <p>The result travels to the processor in one Lambda on-success destination record ({@link HandOff}). A result
 * that would not fit is refused as {@code too_large} and counted in the {@code NotificationsRefused} metric, which is
 * alarmed: Lambda would otherwise drop the record, and the notification with it, without a trace.
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

    /** Lambda entry point: everything from the environment. */
    public EnrichmentHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public EnrichmentHandler(Wiring wiring) {
        this(wiring.catalog(), wiring.recipients(), HttpEnricher.create());
    }

    /** Refusals go out as EMF lines on standard output, as in Lambda. */
    public EnrichmentHandler(Catalog catalog, RecipientRepository recipients, ExternalEnricher enricher) {
        this(catalog, recipients, enricher, new EmfRefusalMetrics(SERVICE));
    }

    public EnrichmentHandler(Catalog catalog, RecipientRepository recipients, ExternalEnricher enricher, RefusalMetrics refusals) {
        super(MatchedEvent.class);
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

    @Override
    public EnrichedEvent handle(MatchedEvent matched) {
        EventEnvelope event = matched.event();
        if (event == null || event.id() == null) {
            throw new InvalidEventException("input is not a matched event {type, event}; rules must wrap the event with its type");
        }
        NotificationType type = catalog.find(matched.type()).orElse(null);
        if (type == null) {
            return reject(matched.type(), event, DeliveryReason.UNKNOWN_TYPE + ": " + matched.type() + " is not in the catalog; catalog types are "
                    + String.join(", ", catalog.typeIds()));
        }
        try {
            event.validate();
        } catch (InvalidEventException e) {
            return reject(type.id(), event, DeliveryReason.INVALID_EVENT + ": " + e.getMessage());
        }
        HandOff handOff = new HandOff(Json.writeBytes(matched).length);
        List<ResolvedRecipient> recipients;
        try {
            recipients = resolver.resolve(type, event, handOff.recipientBudget(EnrichedEvent.of(type.id(), event, event.detail(), List.of())));
        } catch (RecipientResolver.Rejection e) {
            return e.getMessage().startsWith(DeliveryReason.TOO_LARGE) ? refuse(type.id(), event, e.getMessage()) : reject(type.id(), event, e.getMessage());
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
        EnrichedEvent enriched = EnrichedEvent.of(type.id(), event, data, recipients);
        if (!handOff.fits(enriched)) {
            return refuse(type.id(), event, DeliveryReason.TOO_LARGE + ": " + recipients.size() + " recipients with their profiles and the template data come to "
                    + handOff.recordBytes(enriched) + " bytes in the hand-off to the processor, over Lambda's asynchronous payload limit of "
                    + LambdaLimits.ASYNC_PAYLOAD_BYTES + " bytes; nothing was sent; split the audience into smaller topics");
        }
        LOG.info("enriched {} for {} recipient(s)", type.id(), recipients.size());
        return enriched;
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
