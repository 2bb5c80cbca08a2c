package dev.herald.enrichment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.catalog.RecipientSpec;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.recipient.Recipient;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Finds an event's recipients as its catalog type says, and loads what Herald stores about each. */
final class RecipientResolver {

    /** Members of a topic are read a page at a time. */
    private static final int TOPIC_PAGE = 500;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final RecipientRepository recipients;

    RecipientResolver(RecipientRepository recipients) {
        this.recipients = recipients;
    }

    /** The recipients, or a {@link Rejection} explaining why the event names none that can ever be reached. */
    List<ResolvedRecipient> resolve(NotificationType type, EventEnvelope event) {
        RecipientSpec spec = type.recipients();
        JsonNode value = spec.path().read(Json.tree(event));
        List<String> values = texts(value);
        if (values.isEmpty()) {
            throw new Rejection("missing_recipient: " + spec.path() + " is missing or empty; the catalog type " + type.id()
                    + " takes its recipients (" + spec.kind().key() + ") from there");
        }
        return switch (spec.kind()) {
            case USER_ID -> values.stream().map(id -> load(type, id)).toList();
            case EMAIL -> values.stream().map(address -> direct(type, address)).toList();
            case TOPIC -> values.stream().flatMap(topic -> members(type, topic).stream()).toList();
        };
    }

    private List<ResolvedRecipient> members(NotificationType type, String topic) {
        List<ResolvedRecipient> resolved = new ArrayList<>();
        String after = null;
        while (true) {
            List<String> page = recipients.members(topic, after, TOPIC_PAGE);
            page.forEach(id -> resolved.add(load(type, id)));
            if (page.size() < TOPIC_PAGE) {
                return resolved;
            }
            after = page.getLast();
        }
    }

    private ResolvedRecipient load(NotificationType type, String id) {
        if (!type.enrich()) {
            return new ResolvedRecipient(id, null, List.of(), null, false);
        }
        Recipient recipient = recipients.load(id);
        RecipientProfile profile = recipient.profile().orElse(null);
        String email = profile == null ? null : profile.email();
        boolean suppressed = email != null && type.channels().contains(Channel.EMAIL) && recipients.isSuppressed(email);
        return new ResolvedRecipient(id, profile, recipient.devices(), email, suppressed, recipient.unsubscribed());
    }

    /**
     * An address named in the event. It has no profile, but its id's partition holds the unsubscribes recorded from
     * its emails' one-click links; a critical type ignores those, so it does not read them.
     */
    private ResolvedRecipient direct(NotificationType type, String address) {
        if (!EMAIL.matcher(address).matches()) {
            throw new Rejection("invalid_address: " + type.recipients().path() + " is not an email address");
        }
        String id = directId(address);
        Map<String, Set<Channel>> unsubscribed = type.isCritical() ? Map.of() : recipients.load(id).unsubscribed();
        return new ResolvedRecipient(id, null, List.of(), address, recipients.isSuppressed(address), unsubscribed);
    }

    /** A stable id for an address given in the event, so that keys and logs never carry the address itself. */
    static String directId(String address) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(address.strip().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "email-" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> texts(JsonNode value) {
        Set<String> out = new LinkedHashSet<>();
        if (value.isArray()) {
            value.forEach(v -> addText(out, v));
        } else {
            addText(out, value);
        }
        return List.copyOf(out);
    }

    private static void addText(Set<String> out, JsonNode v) {
        if ((v.isTextual() || v.isNumber()) && !v.asText().isBlank()) {
            out.add(v.asText().strip());
        }
    }

    /** The event can never be delivered as it stands. */
    static final class Rejection extends RuntimeException {
        Rejection(String reason) {
            super(reason);
        }
    }
}
