package dev.herald.enrichment;

import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.queue.MessageSender;
import dev.herald.queue.MessageSplitter;
import java.util.List;

/**
 * How enrichment hands an event to the processor: as work units on the processor's SQS queue, each one message of at
 * most {@link #UNIT_RECIPIENTS} recipients that fits the queue's limit. The send is part of the invocation: when SQS
 * cannot take the units the invocation fails, and Lambda retries it and finally dead-letters it, so nothing is lost
 * between the two functions. Units sent twice by such a retry create no delivery twice (the processor's conditional
 * writes).
 */
final class HandOff {

    /** Recipients per unit: one processor invocation's worth of deliveries to write, well within its timeout. */
    static final int UNIT_RECIPIENTS = 100;

    private final MessageSender processorQueue;

    HandOff(MessageSender processorQueue) {
        this.processorQueue = processorQueue;
    }

    /**
     * Sends the event's recipients as units (a rejected event as one unit). Returns how many units were sent.
     *
     * @throws MessageSplitter.MessageTooLargeException when the event's data is too large for a unit even with one recipient
     */
    int send(EnrichedEvent enriched) {
        List<String> units = enriched.recipients().isEmpty() ? MessageSplitter.split(List.of(enriched), 1, List::getFirst)
                : MessageSplitter.split(enriched.recipients(), UNIT_RECIPIENTS, (List<ResolvedRecipient> some) -> enriched.withRecipients(some));
        processorQueue.sendAll(units);
        return units.size();
    }
}
