package dev.herald.enrichment;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.NotificationType;
import dev.herald.config.HeraldEnv;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.fanout.FanOutProgress;
import dev.herald.json.Json;
import dev.herald.lambda.Wiring;
import dev.herald.queue.MessageSender;
import dev.herald.queue.QueueBatch;
import dev.herald.queue.QueueHandler;
import dev.herald.queue.RetryBackoff;
import dev.herald.queue.WorkQueue;
import dev.herald.recipient.RecipientRepository;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out Lambda: reads a topic notification's audience one page at a time, from the fan-out queue. Per page:
 * read up to {@link #PAGE_MEMBERS} members after the page's cursor, load them, hand them to the processor as work
 * units, queue the next page, and mark the page done together with its counts ({@link FanOutProgress}). So an
 * invocation's work and every payload stay bounded whatever the audience, and the audience has no size limit.
 *
 * <p>Resumable and idempotent: a page marked done is skipped; a page that failed midway is read again from the same
 * cursor, and the units it hands over again create no delivery twice (the processor's conditional writes). A member
 * is never lost (each page is retried until done, then dead-lettered) and never sent to twice.
 */
public final class FanOutHandler extends QueueHandler<TopicPage> {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutHandler.class);
    /** Members per page: one invocation reads, loads and hands over at most this many. */
    static final int PAGE_MEMBERS = 500;

    private final Catalog catalog;
    private final RecipientRepository recipients;
    private final RecipientResolver resolver;
    private final HandOff handOff;
    private final MessageSender fanOutQueue;
    private final FanOutProgress progress;

    /** Lambda entry point: everything from the environment. */
    public FanOutHandler() {
        this(Wiring.fromEnvironment());
    }

    /** Wired as Lambda wires it, from {@code wiring}: how herald local builds it too. */
    public FanOutHandler(Wiring wiring) {
        this(wiring.catalog(), wiring.recipients(), wiring.queue(HeraldEnv.PROCESSOR_QUEUE_URL), wiring.queue(HeraldEnv.FANOUT_QUEUE_URL),
                wiring.fanOutProgress(), wiring.retryBackoff());
    }

    /**
     * @param fanOutQueue the queue this function consumes and queues each next page to; when it is a
     *                    {@link WorkQueue}, a failed page also backs off through its visibility timeout
     */
    public FanOutHandler(Catalog catalog, RecipientRepository recipients, MessageSender processorQueue, MessageSender fanOutQueue,
                         FanOutProgress progress, RetryBackoff backoff) {
        super(TopicPage.class, fanOutQueue instanceof WorkQueue consumed ? consumed : null, backoff);
        this.catalog = catalog;
        this.recipients = recipients;
        this.resolver = new RecipientResolver(recipients);
        this.handOff = new HandOff(processorQueue);
        this.fanOutQueue = fanOutQueue;
        this.progress = progress;
    }

    @Override
    protected void process(TopicPage page, QueueBatch.Message received) {
        read(page);
    }

    /** Handles one page: returns the next, or empty when this was the last or had been handled already. */
    Optional<TopicPage> read(TopicPage page) {
        String eventId = page.event().id();
        if (progress.pageDone(eventId, page.page())) {
            LOG.info("page {} of the fan-out was handled already", page.page());
            return Optional.empty();
        }
        NotificationType type = catalog.require(page.typeId());
        List<String> members = recipients.members(page.currentTopic(), page.after(), PAGE_MEMBERS);
        List<ResolvedRecipient> loaded = resolver.loadMembers(type, members);
        int units = loaded.isEmpty() ? 0 : handOff.send(EnrichedEvent.of(type.id(), page.event(), page.data(), loaded).asFanOut());
        Optional<TopicPage> next = page.next(members, PAGE_MEMBERS);
        next.ifPresent(n -> fanOutQueue.sendAll(List.of(Json.write(n))));
        progress.completePage(eventId, page.page(), members.size(), units, next.isEmpty());
        LOG.info("page {} of topic {}: {} member(s) in {} unit(s){}", page.page(), page.currentTopic(), members.size(), units,
                next.isEmpty() ? "; the fan-out has read its whole audience" : "");
        return next;
    }

    @Override
    protected String correlationIdOf(TopicPage page) {
        return page.event() == null ? "unknown" : page.event().id();
    }
}
