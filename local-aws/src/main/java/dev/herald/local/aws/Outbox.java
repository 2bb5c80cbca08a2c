package dev.herald.local.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What the SES and SNS stand-ins were asked to send: the emails (as rendered, per recipient) and the push
 * messages. In memory, the newest {@link #CAPACITY} of each; shown by the dev UI and {@code GET /local/outbox}.
 * Thread-safe.
 */
public final class Outbox {

    public static final int CAPACITY = 500;

    public record Email(String messageId, Instant at, String from, List<String> to, List<String> cc, List<String> bcc,
                        List<String> replyTo, String subject, String text, String html, Map<String, String> headers,
                        String configurationSet, String raw) {
    }

    /** {@code message}: the Message parameter, parsed when it is JSON (per-platform payloads). */
    public record Push(String messageId, Instant at, String targetArn, String platform, String recipient, String messageStructure,
                       String subject, JsonNode message) {
    }

    private final LinkedList<Email> emails = new LinkedList<>();
    private final LinkedList<Push> pushes = new LinkedList<>();
    private final List<Consumer<Email>> emailListeners = new CopyOnWriteArrayList<>();

    /** Tells {@code listener} of every email from now on, beyond the {@link #CAPACITY} kept: for harnesses that count them all. */
    public void onEmail(Consumer<Email> listener) {
        emailListeners.add(listener);
    }

    private final LongAdder emailsSent = new LongAdder();
    private final LongAdder pushesSent = new LongAdder();

    public void add(Email email) {
        emailsSent.increment();
        keep(email);
        emailListeners.forEach(l -> l.accept(email));
    }

    private synchronized void keep(Email email) {
        emails.addFirst(email);
        if (emails.size() > CAPACITY) {
            emails.removeLast();
        }
    }

    public synchronized void add(Push push) {
        pushesSent.increment();
        pushes.addFirst(push);
        if (pushes.size() > CAPACITY) {
            pushes.removeLast();
        }
    }

    /** Emails and pushes sent since start, all kept or not. */
    public long emailsSent() {
        return emailsSent.sum();
    }

    public long pushesSent() {
        return pushesSent.sum();
    }

    /** Newest first. */
    public synchronized List<Email> emails() {
        return new ArrayList<>(emails);
    }

    /** Newest first. */
    public synchronized List<Push> pushes() {
        return new ArrayList<>(pushes);
    }

    public synchronized void clear() {
        emails.clear();
        pushes.clear();
    }
}
