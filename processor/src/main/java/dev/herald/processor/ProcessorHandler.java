package dev.herald.processor;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.config.HeraldEnv;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.dispatch.DispatchSink;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.fanout.FanOutProgress;
import dev.herald.json.Json;
import dev.herald.lambda.SnapStartPriming;
import dev.herald.lambda.Wiring;
import dev.herald.observability.NotificationMetrics.Outcome;
import dev.herald.observability.NotificationMetrics;
import dev.herald.processor.due.ScheduledWaker;
import dev.herald.queue.QueueBatch;
import dev.herald.queue.QueueHandler;
import dev.herald.queue.RetryBackoff;
import dev.herald.queue.WorkQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The processor Lambda: takes enrichment's work units from its queue, routes each unit's recipients to channels,
 * records every decision as a delivery (PENDING to send, SKIPPED with a reason, or FAILED for a rejected event) and
 * hands the channels their dispatches, up to {@link Dispatch#MAX_RECIPIENTS} recipients per queue message.
 *
 * <p>Exactly-once: delivery records are created with conditional writes keyed by event × type × channel ×
 * recipient. A repeated event creates nothing new; deliveries it finds still PENDING and never attempted are handed
 * over again (the first run may have stopped before its hand-off), and the channels' claim makes sure each is sent
 * at most once.
 */
public final class ProcessorHandler extends QueueHandler<EnrichedEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorHandler.class);

    private final Catalog catalog;
    private final DeliveryRepository deliveries;
    private final DispatchSink sink;
    private final Clock clock;
    private final NotificationMetrics metrics;
    private final RateLimiter rateLimiter;
    private final FanOutProgress progress;
    private final Router router = new Router();
    private final Waiting waiting;

    /** Lambda entry point: everything from the environment. */
    public ProcessorHandler() {
        this(Wiring.fromEnvironment());
    }

    /**
     * Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. Work comes from the processor's
     * queue, and dispatches go to the channels' queues.
     */
    public ProcessorHandler(Wiring wiring) {
        this(wiring.catalog(), wiring.deliveries(), new RateLimiter(wiring.dynamo(), wiring.config().require(HeraldEnv.RECIPIENTS_TABLE)),
                QueuedDispatchSink.of(wiring), wiring.clock(), wiring.metrics("processor"), wiring.queue(HeraldEnv.PROCESSOR_QUEUE_URL),
                wiring.retryBackoff(), wiring.fanOutProgress(), new Waiting(wiring.waits(), ScheduledWaker.of(wiring), wiring.cancellations(), wiring.digestBuckets()));
    }

    /**
     * @param queue the processor's own queue, whose messages' visibility it changes to back off a retry; null for a
     *              caller that only {@link #route}s units itself
     */
    public ProcessorHandler(Catalog catalog, DeliveryRepository deliveries, RateLimiter rateLimiter, DispatchSink sink, Clock clock,
                            NotificationMetrics metrics, WorkQueue queue, RetryBackoff backoff, FanOutProgress progress, Waiting waiting) {
        super(EnrichedEvent.class, queue, backoff);
        this.waiting = waiting;
        this.progress = progress;
        this.catalog = catalog;
        this.deliveries = deliveries;
        this.rateLimiter = rateLimiter;
        this.sink = sink;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    protected void prime() {
        super.prime();
        deliveries.find(new DeliveryKey(SnapStartPriming.PRIMING_ID, SnapStartPriming.PRIMING_ID, Channel.EMAIL, SnapStartPriming.PRIMING_ID));
    }

    @Override
    protected void process(EnrichedEvent unit, QueueBatch.Message received) {
        route(unit);
    }

    /** Routes one unit of an event's recipients; throws only for a transient failure, to be retried. */
    public RoutingResult route(EnrichedEvent enriched) {
        Instant now = clock.instant();
        String eventId = enriched.event().id();
        if (enriched.isRejected()) {
            return recordRejection(enriched, enriched.rejection(), now);
        }
        NotificationType type = catalog.require(enriched.typeId());
        if (type.timing().digest() != null && !enriched.digest()) {
            int added = waiting.digest(type, enriched);
            LOG.info("{} event {} added to {} recipient(s)' digests", type.id(), eventId, added);
            return new RoutingResult(eventId, type.id(), 0, 0, enriched.recipients().size() - added, null);
        }
        Instant due;
        try {
            due = type.timing().dueAt(Json.tree(enriched.event()), now);
        } catch (IllegalArgumentException e) {
            return recordRejection(enriched, DeliveryReason.INVALID_EVENT + ": " + e.getMessage(), now);
        }

        List<Route> routes = new ArrayList<>();
        for (ResolvedRecipient recipient : enriched.recipients()) {
            routes.addAll(router.route(type, recipient, now, due));
        }
        routes = waiting.withdrawIfCancelled(type, enriched, routes);
        List<Delivery> records = routes.stream().map(r -> record(eventId, type, r, now)).toList();
        // a key DynamoDB can never store fails every retry alike: the event is refused before anything is written
        Optional<String> keyProblem = records.stream().map(d -> d.key().sizeProblem()).flatMap(Optional::stream).findFirst();
        if (keyProblem.isPresent()) {
            return recordRejection(enriched, DeliveryReason.INVALID_EVENT + ": " + keyProblem.get(), now);
        }
        List<Delivery> created;
        try {
            created = deliveries.createAll(records);
        } catch (DynamoDbException e) {
            if (!isValidationError(e)) {
                throw e;
            }
            return recordRejection(enriched, DeliveryReason.INVALID_EVENT + ": DynamoDB refused the event's deliveries: "
                    + e.awsErrorDetails().errorMessage(), now);
        }
        int duplicates = records.size() - created.size();
        if (enriched.fanOut()) {
            progress.addCreated(eventId, created.size());
        }

        // what this run created to send, now or later, counts against the limits; what is over them is skipped or withdrawn
        Map<DeliveryKey, Delivery> counted = new LinkedHashMap<>();
        created.stream().filter(d -> d.status() == DeliveryStatus.PENDING || d.status() == DeliveryStatus.SCHEDULED)
                .forEach(d -> counted.put(d.key(), d));
        Set<DeliveryKey> limited = new HashSet<>(counted.keySet());
        int rateLimited = applySourceRateLimit(type, enriched.event(), counted, now);
        rateLimited += applyRateLimit(type, counted, now);
        limited.removeAll(counted.keySet());
        Map<DeliveryKey, Delivery> toSend = new LinkedHashMap<>();
        counted.values().stream().filter(d -> d.status() == DeliveryStatus.PENDING).forEach(d -> toSend.put(d.key(), d));
        if (duplicates > 0) {
            resumeUnsent(records, created, toSend);
        }
        Map<Channel, List<DispatchRecipient>> byChannel = new EnumMap<>(Channel.class);
        for (Route route : routes) {
            DeliveryKey key = new DeliveryKey(eventId, type.id(), route.channel(), route.recipient().id());
            if (route.sends() && toSend.containsKey(key)) {
                byChannel.computeIfAbsent(route.channel(), c -> new ArrayList<>()).add(dispatchRecipient(type, route.recipient()));
            }
        }
        List<Dispatch> dispatches = new ArrayList<>();
        byChannel.forEach((channel, recipients) -> {
            for (int i = 0; i < recipients.size(); i += Dispatch.MAX_RECIPIENTS) {
                dispatches.add(new Dispatch(eventId, type.id(), channel, enriched.event().time(), enriched.data(),
                        recipients.subList(i, Math.min(recipients.size(), i + Dispatch.MAX_RECIPIENTS)), enriched.fanOut()));
            }
        });
        sink.sendAll(dispatches);
        List<Route> waitingRoutes = routes.stream()
                .filter(r -> r.waits() && !limited.contains(new DeliveryKey(eventId, type.id(), r.channel(), r.recipient().id()))).toList();
        int held = waiting.hold(type, enriched, waitingRoutes, route -> dispatchRecipient(type, route.recipient()));
        byChannel.forEach((channel, recipients) -> metrics.count(Outcome.ROUTED, channel, recipients.size()));
        int skipped = rateLimited + (int) created.stream().filter(d -> d.status() == DeliveryStatus.SKIPPED)
                .peek(d -> metrics.count(Outcome.SKIPPED, d.channel(), 1)).count();
        metrics.flush();
        LOG.info("routed {}: {} to send, {} skipped, {} already recorded, {} wait(s) held", type.id(), toSend.size(), skipped, duplicates, held);
        return new RoutingResult(eventId, type.id(), toSend.size(), skipped, duplicates, null);
    }

    /**
     * Counts this notification once per recipient against the category's rate limit, and skips the recipient's new
     * deliveries when over it. Only deliveries created by this run count, so a repeated event is not counted twice.
     * Critical types are not limited.
     */
    private int applyRateLimit(NotificationType type, Map<DeliveryKey, Delivery> toSend, Instant now) {
        var limit = catalog.rateLimit(type.category());
        if (limit.isEmpty() || type.isCritical() || toSend.isEmpty()) {
            return 0;
        }
        Map<String, List<DeliveryKey>> byRecipient = new LinkedHashMap<>();
        toSend.keySet().forEach(k -> byRecipient.computeIfAbsent(k.recipientId(), r -> new ArrayList<>()).add(k));
        int skipped = 0;
        for (var entry : byRecipient.entrySet()) {
            if (!rateLimiter.tryAcquire(entry.getKey(), type.category(), limit.get(), now)) {
                skipped += skipAll(entry.getValue(), DeliveryReason.RATE_LIMITED, toSend);
            }
        }
        return skipped;
    }

    /** Records these new deliveries as SKIPPED with the reason (a waiting one withdrawn), and takes them out of what is sent. */
    private int skipAll(List<DeliveryKey> keys, String reason, Map<DeliveryKey, Delivery> toSend) {
        for (DeliveryKey key : keys) {
            if (toSend.get(key).status() == DeliveryStatus.SCHEDULED) {
                deliveries.withdraw(key, reason);
            } else {
                deliveries.skip(key, reason);
            }
            toSend.remove(key);
            metrics.count(Outcome.SKIPPED, key.channel(), 1);
        }
        return keys.size();
    }

    /**
     * Counts this event once against the type's per-source limit, and skips every delivery it created when the
     * source is over it: a publisher holding the ingest key cannot turn a type such as {@code email.send} into a
     * relay. Only an event that created deliveries counts, and it counts once whatever the number of units it travels
     * in, so that it is allowed or skipped whole; a repeated event is not counted twice. Critical types are limited
     * too; this limit is about the publisher, not the recipient.
     */
    private int applySourceRateLimit(NotificationType type, EventEnvelope event, Map<DeliveryKey, Delivery> toSend, Instant now) {
        String source = event.source();
        if (type.sourceRateLimit() == null || toSend.isEmpty()
                || rateLimiter.tryAcquireOnce(event.id(), "SOURCE#" + source, type.id(), type.sourceRateLimit(), now)) {
            return 0;
        }
        int skipped = skipAll(List.copyOf(toSend.keySet()), DeliveryReason.SOURCE_RATE_LIMITED, toSend);
        LOG.warn("source {} is over its limit of {} {} per {}; {} delivery(ies) skipped", source, type.sourceRateLimit().max(), type.id(),
                type.sourceRateLimit().per(), skipped);
        return skipped;
    }

    /** A repeated event: hand over again what the earlier run recorded as PENDING but may never have dispatched. */
    private void resumeUnsent(List<Delivery> records, List<Delivery> created, Map<DeliveryKey, Delivery> toSend) {
        for (Delivery record : records) {
            if (record.status() != DeliveryStatus.PENDING || created.contains(record)) {
                continue;
            }
            deliveries.find(record.key())
                    .filter(existing -> existing.status() == DeliveryStatus.PENDING && existing.attempts() == 0)
                    .ifPresent(existing -> toSend.put(existing.key(), existing));
        }
    }

    /** Key or item too large, or otherwise malformed: DynamoDB will refuse it again on every retry. */
    private static boolean isValidationError(DynamoDbException e) {
        return e.awsErrorDetails() != null && "ValidationException".equals(e.awsErrorDetails().errorCode());
    }

    /**
     * Records an event that can never be delivered as one FAILED delivery with the reason, or, for a duplicate of an
     * event already notified (its idempotency key), one SKIPPED delivery. Deliveries that an earlier, partly refused
     * write created stay PENDING and are never dispatched; they expire with their TTL.
     */
    private RoutingResult recordRejection(EnrichedEvent enriched, String reason, Instant now) {
        String eventId = enriched.event().id();
        NotificationType type = catalog.find(enriched.typeId()).orElse(null);
        Channel channel = type == null ? Channel.WEBSOCKET : type.channels().getFirst();
        // no recipient could be named, so the event's outcome is recorded under a placeholder recipient
        DeliveryKey key = new DeliveryKey(eventId, enriched.typeId(), channel, "-");
        boolean duplicate = reason.startsWith(DeliveryReason.DUPLICATE + ":");
        boolean created = deliveries.create(Delivery.outcome(key, duplicate ? DeliveryStatus.SKIPPED : DeliveryStatus.FAILED, reason, now));
        metrics.count(duplicate ? Outcome.SKIPPED : Outcome.FAILED, channel, created ? 1 : 0);
        metrics.flush();
        LOG.warn("event {}: {}", duplicate ? "skipped" : "rejected", reason);
        return new RoutingResult(eventId, enriched.typeId(), 0, 0, created ? 0 : 1, reason);
    }

    private static Delivery record(String eventId, NotificationType type, Route route, Instant now) {
        DeliveryKey key = new DeliveryKey(eventId, type.id(), route.channel(), route.recipient().id());
        if (route.waits()) {
            return Delivery.scheduled(key, route.waitReason(), now, route.dueAt());
        }
        return route.sends() ? Delivery.pending(key, now, null) : Delivery.outcome(key, DeliveryStatus.SKIPPED, route.reason(), now);
    }

    private static DispatchRecipient dispatchRecipient(NotificationType type, ResolvedRecipient r) {
        var profile = r.profile();
        return new DispatchRecipient(r.id(),
                profile == null || profile.locale() == null ? type.defaultLocale() : profile.locale(),
                profile == null || profile.timeZone() == null ? "UTC" : profile.timeZone(),
                profile == null ? null : profile.displayName(),
                r.email(), r.enabledDevices());
    }

    @Override
    protected String correlationIdOf(EnrichedEvent unit) {
        return unit.event() == null ? "unknown" : unit.event().id();
    }
}
