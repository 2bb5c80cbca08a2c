package dev.herald.enrichment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.aws.AwsClients;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.catalog.EnricherSpec;
import dev.herald.catalog.NotificationType;
import dev.herald.config.HeraldConfig;
import dev.herald.config.HeraldEnv;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.event.InvalidEventException;
import dev.herald.lambda.JsonHandler;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.recipient.RecipientRepository;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The enrichment Lambda: resolves a matched event's recipients (profile, locale, devices, suppression) and adds the
 * data of the type's external enrichers. Its result goes on to the processor. An event that can never be delivered
 * comes out rejected with a reason, rather than failing, so it is recorded instead of retried.
 */
public final class EnrichmentHandler extends JsonHandler<MatchedEvent, EnrichedEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentHandler.class);

    private final Catalog catalog;
    private final RecipientResolver resolver;
    private final RecipientRepository recipients;
    private final ExternalEnricher enricher;

    /** Lambda entry point: everything from the environment. */
    public EnrichmentHandler() {
        this(HeraldConfig.fromEnvironment());
    }

    private EnrichmentHandler(HeraldConfig config) {
        this(CatalogLoader.fromClasspath(),
                new RecipientRepository(AwsClients.build(DynamoDbClient.builder(), config), config.require(HeraldEnv.RECIPIENTS_TABLE), Clock.systemUTC()),
                HttpEnricher.create());
    }

    public EnrichmentHandler(Catalog catalog, RecipientRepository recipients, ExternalEnricher enricher) {
        super(MatchedEvent.class);
        this.catalog = catalog;
        this.resolver = new RecipientResolver(recipients);
        this.recipients = recipients;
        this.enricher = enricher;
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
            return reject(matched.type(), event, "unknown_type: " + matched.type() + " is not in the catalog; catalog types are "
                    + String.join(", ", catalog.typeIds()));
        }
        try {
            event.validate();
        } catch (InvalidEventException e) {
            return reject(type.id(), event, "invalid_event: " + e.getMessage());
        }
        List<ResolvedRecipient> recipients;
        try {
            recipients = resolver.resolve(type, event);
        } catch (RecipientResolver.Rejection e) {
            return reject(type.id(), event, e.getMessage());
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
        LOG.info("enriched {} for {} recipient(s)", type.id(), recipients.size());
        return EnrichedEvent.of(type.id(), event, data, recipients);
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
