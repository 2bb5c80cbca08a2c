package dev.herald.queue;

import java.util.List;

/** Where a function sends queue messages; {@link WorkQueue} in Lambda and herald local. */
@FunctionalInterface
public interface MessageSender {

    /** Sends every body as one message; throws when some could not be sent. */
    void sendAll(List<String> bodies);
}
