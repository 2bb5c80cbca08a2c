package dev.herald.processor;

import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.catalog.Timing;
import dev.herald.delivery.DeliveryReason;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.json.Json;
import dev.herald.queue.MessageSplitter;
import dev.herald.schedule.Cancellations;
import dev.herald.schedule.DigestBuckets;
import dev.herald.schedule.Wait;
import dev.herald.schedule.Waits;
import dev.herald.schedule.WakeUp;
import dev.herald.schedule.Waker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The processor's side of what waits: puts the events of a digest type into their recipients' digests, withdraws the
 * waiting routes of an event that was cancelled already, and holds the rest as {@link Wait}s with a wake-up for their
 * due time. Waits are grouped by channel, due time and reason, at
 * most one dispatch's worth each, the same way every time the same unit is routed, so that a retried unit stores
 * nothing twice. A quiet-hours wait holds one recipient, whose own time zone and quiet hours decide when it is due.
 */
public final class Waiting {

    private final Waits waits;
    private final Waker waker;
    private final Cancellations cancellations;
    private final DigestBuckets digests;

    public Waiting(Waits waits, Waker waker, Cancellations cancellations, DigestBuckets digests) {
        this.waits = waits;
        this.waker = waker;
        this.cancellations = cancellations;
        this.digests = digests;
    }

    /**
     * Puts the unit's event into each recipient's digest of the type and key: a bucket it opens gets a wake-up at the
     * end of its window, one it fills a wake-up now. Returns how many recipients it was added for (a repeated event
     * is added for none).
     */
    int digest(NotificationType type, EnrichedEvent enriched) {
        Timing.Digest digest = type.timing().digest();
        var event = enriched.event();
        String key = digest.keyOf(Json.tree(event));
        int added = 0;
        for (var recipient : enriched.recipients()) {
            // the recipient's own choice of frequency (hourly, daily) sets the window of a bucket it opens
            Duration window = recipient.profile() == null ? digest.window() : recipient.profile().digestWindow(digest.window());
            DigestBuckets.Join join = digests.join(type.id(), key, recipient, event.id(), event.time(), enriched.data(), window, digest.max());
            switch (join.joined()) {
                // a repeated event re-schedules a flush it may have failed to schedule: a schedule of the same name is one
                case OPENED, ALREADY_WAITING -> waker.wake(join.wakeUp());
                case FILLED -> waker.wake(new WakeUp(WakeUp.Kind.DIGEST, join.digest(), Long.toString(join.seq()), null));
                case ADDED, ALREADY -> {
                }
            }
            boolean repeated = join.joined() == DigestBuckets.Joined.ALREADY || join.joined() == DigestBuckets.Joined.ALREADY_WAITING;
            added += repeated ? 0 : 1;
        }
        return added;
    }

    /**
     * For a processor whose catalog has no type that waits (benchmarks, tests of routing): holding a wait fails with a
     * clear error instead of waiting for a wake-up that nothing would send.
     */
    public static Waiting immediate(DynamoDbClient dynamo, String deliveriesTable) {
        Duration retention = Duration.ofDays(30);
        return new Waiting(new Waits(dynamo, deliveriesTable, retention), wakeUp -> {
            throw new IllegalStateException("this processor has no waker, but " + wakeUp.pk() + " waits until " + wakeUp.due()
                    + "; build it with Waiting(waits, waker, cancellations, digests)");
        }, new Cancellations(dynamo, deliveriesTable, Clock.systemUTC(), retention), new DigestBuckets(dynamo, deliveriesTable, Clock.systemUTC(), retention));
    }

    /** The event's value at its type's {@code cancelOn.match}, if the type has one and the event carries it. */
    static Optional<String> cancelKey(NotificationType type, EnrichedEvent enriched) {
        Timing.CancelOn cancelOn = type.timing().cancelOn();
        if (cancelOn == null) {
            return Optional.empty();
        }
        var value = cancelOn.match().read(Json.tree(enriched.event()));
        return value.isValueNode() && !value.isNull() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }

    /**
     * Registers the event's waiting routes under its cancel key and, when a cancel for that key has arrived already,
     * returns them withdrawn ({@code cancelled}); the routes unchanged otherwise.
     */
    List<Route> withdrawIfCancelled(NotificationType type, EnrichedEvent enriched, List<Route> routes) {
        Optional<String> key = cancelKey(type, enriched);
        Optional<Instant> lastDue = routes.stream().filter(Route::waits).map(Route::dueAt).max(Instant::compareTo);
        if (key.isEmpty() || lastDue.isEmpty()) {
            return routes;
        }
        var event = enriched.event();
        cancellations.register(type.id(), key.get(), event.id(), event.time(), lastDue.get());
        if (!cancellations.isCancelled(type.id(), key.get(), event.time())) {
            return routes;
        }
        return routes.stream().map(r -> r.waits() ? r.skipped(DeliveryReason.CANCELLED) : r).toList();
    }

    /**
     * Stores a wait for every waiting route, and a wake-up for each; returns how many waits. Routes due at the same time
     * for the same reason share a wait, whatever their channel, so a delayed notification costs one wake-up.
     */
    int hold(NotificationType type, EnrichedEvent enriched, List<Route> routes, Function<Route, DispatchRecipient> recipientOf) {
        record Group(Instant due, String reason, String recipient, Instant notBefore) {
        }
        Map<Group, Map<Channel, List<DispatchRecipient>>> groups = new LinkedHashMap<>();
        for (Route route : routes) {
            if (route.waits()) {
                boolean alone = DeliveryReason.QUIET_HOURS.equals(route.waitReason());
                groups.computeIfAbsent(new Group(route.dueAt(), route.waitReason(), alone ? route.recipient().id() : null, route.notBefore()),
                                g -> new EnumMap<>(Channel.class))
                        .computeIfAbsent(route.channel(), c -> new ArrayList<>()).add(recipientOf.apply(route));
            }
        }
        String cancelKey = cancelKey(type, enriched).orElse(null);
        var event = enriched.event();
        List<Wait> held = new ArrayList<>();
        groups.forEach((group, byChannel) -> {
            // each dispatch is what one queue message can carry, since that is how it travels when it is due; a wait
            // holds as many as fit one item
            List<Dispatch> pending = new ArrayList<>();
            int bytes = 0;
            for (var channel : byChannel.entrySet()) {
                Dispatch all = new Dispatch(event.id(), type.id(), channel.getKey(), event.time(), enriched.data(), channel.getValue(), enriched.fanOut());
                for (String body : MessageSplitter.split(channel.getValue(), Dispatch.MAX_RECIPIENTS, all::withRecipients)) {
                    int size = body.getBytes(StandardCharsets.UTF_8).length;
                    if (!pending.isEmpty() && bytes + size > Waits.MAX_DISPATCH_BYTES) {
                        held.add(Waits.of(group.reason(), group.due(), pending, cancelKey, group.notBefore()));
                        pending = new ArrayList<>();
                        bytes = 0;
                    }
                    pending.add(Json.read(body, Dispatch.class));
                    bytes += size;
                }
            }
            held.add(Waits.of(group.reason(), group.due(), pending, cancelKey, group.notBefore()));
        });
        for (Wait wait : held) {
            waits.put(wait);
            waker.wake(wait.wakeUp());
        }
        return held.size();
    }
}
