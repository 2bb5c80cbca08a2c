package dev.herald.queue;

import dev.herald.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Cuts a list of work (recipients) into queue messages: at most {@code maxItems} items each, and halved again while a
 * message would be over {@link QueueLimits#MESSAGE_BYTES}. So every message fits whatever the items weigh.
 */
public final class MessageSplitter {

    private MessageSplitter() {
    }

    /**
     * The message bodies for {@code items}, in order.
     *
     * @param message builds the message that carries some of the items
     * @throws MessageTooLargeException when a message with a single item is over the limit
     */
    public static <I> List<String> split(List<I> items, int maxItems, Function<List<I>, ?> message) {
        List<String> bodies = new ArrayList<>();
        for (int from = 0; from < items.size(); from += maxItems) {
            addFitting(items.subList(from, Math.min(items.size(), from + maxItems)), message, bodies);
        }
        return bodies;
    }

    private static <I> void addFitting(List<I> part, Function<List<I>, ?> message, List<String> bodies) {
        String body = Json.write(message.apply(part));
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes <= QueueLimits.MESSAGE_BYTES) {
            bodies.add(body);
            return;
        }
        if (part.size() == 1) {
            throw new MessageTooLargeException(bytes);
        }
        int half = part.size() / 2;
        addFitting(part.subList(0, half), message, bodies);
        addFitting(part.subList(half, part.size()), message, bodies);
    }

    /** Even one item makes a message over the queue's limit: what they share (the template data) is too large. */
    public static final class MessageTooLargeException extends RuntimeException {

        private final int bytes;

        public MessageTooLargeException(int bytes) {
            super("a message for a single recipient is " + bytes + " bytes, over the queue limit of " + QueueLimits.MESSAGE_BYTES + " bytes");
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }
}
