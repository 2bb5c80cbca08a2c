package dev.herald.processor;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.catalog.Timing;
import dev.herald.config.HeraldEnv;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.dispatch.DispatchSink;
import dev.herald.lambda.Wiring;
import dev.herald.processor.due.ScheduledWaker;
import dev.herald.queue.MessageSender;
import dev.herald.queue.QueueBatch;
import dev.herald.queue.QueueHandler;
import dev.herald.queue.RetryBackoff;
import dev.herald.queue.WorkQueue;
import dev.herald.recipient.Recipient;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import dev.herald.schedule.Cancellations;
import dev.herald.schedule.DigestBuckets;
import dev.herald.schedule.Wait;
import dev.herald.schedule.Waits;
import dev.herald.schedule.WakeUp;
import dev.herald.schedule.Waker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The due function: takes wake-ups from the due queue (sent there by EventBridge Scheduler, or at once when due
 * already) and releases what waited. A digest's wake-up sends the digest ({@link DigestFlush}). For each recipient of a due {@link Wait} it decides once more, with what is true
 * now:
 * <ul>
 *   <li>withdrawn ({@code SKIPPED(cancelled)}) when a cancel for the event's {@code cancelOn} key arrived;</li>
 *   <li>withdrawn ({@code SKIPPED(read_in_app)}) when the channel escalates {@code unlessRead} and the in-app item was
 *       read;</li>
 *   <li>held again when it waits for quiet hours that, by the recipient's current settings, have not ended;</li>
 *   <li>released otherwise: {@code SCHEDULED → PENDING}, and handed to the channel's queue.</li>
 * </ul>
 * Every step is a conditional write, so a repeated or late wake-up does nothing twice: a delivery already released or
 * withdrawn is left alone, and one released but never handed over (a crash between the two) is handed over again,
 * for the channel's claim to send once. A wake-up whose due time is not the wait's (it was rescheduled) is stale and
 * does nothing.
 */
public final class DueHandler extends QueueHandler<WakeUp> {

    private static final Logger LOG = LoggerFactory.getLogger(DueHandler.class);

    private final Catalog catalog;
    private final DeliveryRepository deliveries;
    private final RecipientRepository recipients;
    private final Waits waits;
    private final Cancellations cancellations;
    private final Waker waker;
    private final DispatchSink sink;
    private final Clock clock;
    private final DigestFlush digests;

    /** Lambda entry point: everything from the environment. */
    public DueHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public DueHandler(Wiring wiring) {
        this(wiring.catalog(), wiring.deliveries(), wiring.recipients(), wiring.waits(), wiring.cancellations(), ScheduledWaker.of(wiring),
                QueuedDispatchSink.of(wiring), wiring.clock(), wiring.queue(HeraldEnv.DUE_QUEUE_URL), wiring.retryBackoff(),
                wiring.digestBuckets(), wiring.queue(HeraldEnv.PROCESSOR_QUEUE_URL));
    }

    /**
     * @param sink           where released deliveries go: their channels' queues
     * @param processorQueue where a digest's notification goes, to be routed like any unit
     */
    public DueHandler(Catalog catalog, DeliveryRepository deliveries, RecipientRepository recipients, Waits waits, Cancellations cancellations,
                      Waker waker, DispatchSink sink, Clock clock, WorkQueue queue, RetryBackoff backoff, DigestBuckets digestBuckets,
                      MessageSender processorQueue) {
        super(WakeUp.class, queue, backoff);
        this.digests = new DigestFlush(digestBuckets, processorQueue);
        this.catalog = catalog;
        this.deliveries = deliveries;
        this.recipients = recipients;
        this.waits = waits;
        this.cancellations = cancellations;
        this.waker = waker;
        this.sink = sink;
        this.clock = clock;
    }

    @Override
    protected void process(WakeUp wakeUp, QueueBatch.Message received) {
        wake(wakeUp);
    }

    /**
     * Acts on one wake-up; returns how many deliveries it handed to their channel, or, for a digest, how many events
     * its notification carries.
     */
    public int wake(WakeUp wakeUp) {
        Instant now = clock.instant();
        if (wakeUp.due() != null && wakeUp.due().isAfter(now)) {
            // clock skew between Scheduler and here: the message's backoff brings it back after its time
            throw new IllegalStateException("wake-up for " + wakeUp.sk() + " arrived " + Duration.between(now, wakeUp.due()).toMillis()
                    + " ms before its time; it is retried");
        }
        return switch (wakeUp.kind()) {
            case DIGEST -> digests.flush(wakeUp.pk(), Long.parseLong(wakeUp.sk()));
            case WAIT -> release(wakeUp, now);
        };
    }

    private int release(WakeUp wakeUp, Instant now) {
        Optional<Wait> found = waits.find(wakeUp.pk(), wakeUp.sk());
        if (found.isEmpty()) {
            return 0; // handled by an earlier wake-up
        }
        Wait wait = found.get();
        boolean quietHours = DeliveryReason.QUIET_HOURS.equals(wait.reason());
        if (wakeUp.due() == null && !quietHours) {
            return 0; // "check again now" is for quiet hours, whose end the recipient may have moved; a delay keeps its time
        }
        if (wakeUp.due() != null && !wakeUp.due().equals(wait.dueAt())) {
            return 0; // stale: the wait was moved, and a wake-up for its new time was made before it moved
        }
        NotificationType type = catalog.find(wait.typeId()).orElse(null);
        Map<String, Recipient> current = type == null || type.isCritical() ? Map.of() : recipientsOf(wait);
        if (quietHours && type != null && holdAgain(type, wait, current, now)) {
            return 0;
        }
        Instant eventTime = wait.dispatches().getFirst().eventTime();
        boolean cancelled = wait.cancelKey() != null && cancellations.isCancelled(wait.typeId(), wait.cancelKey(), eventTime);
        List<Dispatch> released = new ArrayList<>();
        int waiting = 0;
        for (Dispatch dispatch : wait.dispatches()) {
            List<DispatchRecipient> ready = new ArrayList<>();
            for (DispatchRecipient recipient : dispatch.recipients()) {
                waiting++;
                DeliveryKey key = dispatch.keyFor(recipient);
                String withdrawal = type == null ? DeliveryReason.UNKNOWN_TYPE
                        : cancelled ? DeliveryReason.CANCELLED
                        : optedOut(type, current.get(recipient.id()), key.channel()) ? DeliveryReason.OPTED_OUT
                        : readInApp(type, key) ? DeliveryReason.READ_IN_APP : null;
                if (withdrawal != null) {
                    deliveries.withdraw(key, withdrawal);
                } else if (deliveries.releaseScheduled(key) || neverHandedOver(key)) {
                    ready.add(recipient);
                }
            }
            if (!ready.isEmpty()) {
                released.add(dispatch.withRecipients(ready));
            }
        }
        if (!released.isEmpty()) {
            sink.sendAll(released);
        }
        waits.delete(wait);
        int sent = released.stream().mapToInt(d -> d.recipients().size()).sum();
        LOG.info("{} wait of {} due: {} of {} deliveries released{}", wait.reason(), wait.typeId(), sent, waiting, cancelled ? " (cancelled)" : "");
        return sent;
    }

    /** The wait's recipients as stored now: their opt-outs, unsubscribes and quiet hours may have changed while it waited. */
    private Map<String, Recipient> recipientsOf(Wait wait) {
        List<String> ids = wait.dispatches().stream().flatMap(d -> d.recipients().stream()).map(DispatchRecipient::id).distinct().toList();
        Map<String, Recipient> byId = new HashMap<>();
        recipients.loadAll(ids).forEach(r -> byId.put(r.id(), r));
        return byId;
    }

    /** Whether the recipient turned the channel off for the type's category while the delivery waited. */
    private static boolean optedOut(NotificationType type, Recipient recipient, Channel channel) {
        if (recipient == null || type.isCritical()) {
            return false;
        }
        return recipient.profile().map(p -> p.optedOut(type.category(), channel)).orElse(false)
                || recipient.unsubscribed().getOrDefault(type.category(), Set.of()).contains(channel);
    }

    /** Whether the channel escalates unless read, and the recipient has read the in-app item (or archived it, done with it). */
    private boolean readInApp(NotificationType type, DeliveryKey key) {
        // by the type's settings, whatever the wait's reason: an escalation that fell into quiet hours still waits on the read
        Timing.Escalation escalation = type.timing().escalations().get(key.channel());
        if (escalation == null || !escalation.unlessRead()) {
            return false;
        }
        DeliveryKey inApp = new DeliveryKey(key.notificationId(), key.typeId(), Channel.WEBSOCKET, key.recipientId());
        return deliveries.find(inApp).map(d -> d.status() == DeliveryStatus.READ || d.status() == DeliveryStatus.ARCHIVED).orElse(false);
    }

    /**
     * A quiet-hours wait decided again by the recipient's settings now, which may have changed since it began: it
     * never goes before the time it was held for in the first place ({@link Wait#notBefore}, e.g. a {@code sendAt}); if
     * the quiet hours then still hold, it moves to their end. The wake-up for the new time is made before the wait
     * moves, so that a failure in between leaves this wake-up to be retried, never a wait nothing wakes.
     */
    private boolean holdAgain(NotificationType type, Wait wait, Map<String, Recipient> current, Instant now) {
        if (type.isCritical() || type.timing().quietHours() != Timing.QuietHoursPolicy.DEFER) {
            return false;
        }
        String recipientId = wait.dispatches().getFirst().recipients().getFirst().id();
        RecipientProfile profile = Optional.ofNullable(current.get(recipientId)).flatMap(Recipient::profile).orElse(null);
        Instant at = wait.notBefore() != null && wait.notBefore().isAfter(now) ? wait.notBefore() : now;
        Instant due = Router.inQuietHours(profile, at) ? Router.quietHoursEnd(profile, at) : at;
        if (!due.isAfter(now)) {
            return false;
        }
        if (due.equals(wait.dueAt())) {
            return true; // unchanged: the wake-up for that time exists
        }
        waker.wake(wait.dueAt(due).wakeUp());
        for (Dispatch dispatch : wait.dispatches()) {
            dispatch.recipients().forEach(r -> deliveries.reschedule(dispatch.keyFor(r), due));
        }
        waits.moveDue(wait, due);
        LOG.info("recipient {}'s {} held until {} by their quiet hours", recipientId, type.id(), due);
        return true;
    }

    /** A delivery an earlier wake-up released, and that stopped before handing it over: never attempted. */
    private boolean neverHandedOver(DeliveryKey key) {
        return deliveries.find(key).map(d -> d.status() == DeliveryStatus.PENDING && d.attempts() == 0).orElse(false);
    }

    @Override
    protected String correlationIdOf(WakeUp wakeUp) {
        return wakeUp.pk();
    }
}
