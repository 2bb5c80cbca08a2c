package dev.herald.enrichment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.catalog.RecipientSpec;
import dev.herald.delivery.DeliveryReason;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.json.Json;
import dev.herald.recipient.Recipient;
import dev.herald.recipient.RecipientLimits;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds an event's recipients as its catalog type says, and loads what Herald stores about each.
 *
 * <p>What can never be stored or delivered is refused before anything is read: more recipients than the type's
 * {@code maxRecipients}, an id or topic over {@link RecipientLimits#MAX_ID_BYTES}, an address that is malformed,
 * too long or outside the type's {@code allowedDomains}.
 */
final class RecipientResolver {


    private final RecipientRepository recipients;

    RecipientResolver(RecipientRepository recipients) {
        this.recipients = recipients;
    }

    /**
     * The recipient ids, addresses or topics the event names, each checked against what can ever be stored or sent;
     * or a {@link Rejection} explaining why the event names none that can ever be reached.
     */
    List<String> values(NotificationType type, EventEnvelope event) {
        RecipientSpec spec = type.recipients();
        JsonNode value = spec.path().read(Json.tree(event));
        List<String> values = texts(type, value);
        if (values.isEmpty()) {
            throw new Rejection(DeliveryReason.MISSING_RECIPIENT + ": " + spec.path() + " is missing or empty; the catalog type " + type.id()
                    + " takes its recipients (" + spec.kind().key() + ") from there");
        }
        if (values.size() > type.maxRecipients()) {
            throw new Rejection(DeliveryReason.TOO_MANY_RECIPIENTS + ": " + spec.path() + " names " + values.size() + " "
                    + (spec.kind() == RecipientSpec.Kind.TOPIC ? "topics" : "recipients") + "; type " + type.id() + " takes at most "
                    + type.maxRecipients() + " in one event (maxRecipients in catalog.yaml); the event is refused whole, nothing was sent"
                    + (spec.kind() == RecipientSpec.Kind.TOPIC ? "" : "; reach larger audiences with a topic"));
        }
        return values;
    }

    /** The recipients an event of a user-id or email type names, loaded; a topic's are read page by page instead. */
    List<ResolvedRecipient> resolve(NotificationType type, EventEnvelope event) {
        List<String> values = values(type, event);
        return switch (type.recipients().kind()) {
            case USER_ID -> loadMembers(type, values);
            case EMAIL -> direct(type, values);
            case TOPIC -> throw new IllegalArgumentException("a topic's members are read page by page, by the fan-out");
        };
    }

    /**
     * Loads recipients by id: their profiles, devices and unsubscribes with {@code BatchGetItem}, 100 a call, and,
     * for a type that emails, which of their addresses are suppressed, the same way. Two to four calls per hundred.
     */
    List<ResolvedRecipient> loadMembers(NotificationType type, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        if (!type.enrich()) {
            return ids.stream().map(id -> new ResolvedRecipient(id, null, List.of(), null, false)).toList();
        }
        List<Recipient> loaded = recipients.loadAll(ids);
        List<String> emails = loaded.stream().map(r -> r.profile().map(RecipientProfile::email).orElse(null)).filter(Objects::nonNull).toList();
        Set<String> suppressed = type.channels().contains(Channel.EMAIL) ? recipients.suppressed(emails) : Set.of();
        return loaded.stream().map(r -> {
            RecipientProfile profile = r.profile().orElse(null);
            String email = profile == null ? null : profile.email();
            return new ResolvedRecipient(r.id(), profile, r.devices(), email, email != null && suppressed.contains(email), r.unsubscribed());
        }).toList();
    }

    /**
     * Addresses named in the event. They have no profile, but each id's item holds the unsubscribes recorded from its
     * emails' one-click links; a critical type ignores those, so it does not read them.
     */
    private List<ResolvedRecipient> direct(NotificationType type, List<String> addresses) {
        List<String> ids = addresses.stream().map(RecipientResolver::directId).toList();
        List<Recipient> loaded = type.isCritical() ? List.of() : recipients.loadAll(ids);
        Set<String> suppressed = recipients.suppressed(addresses);
        List<ResolvedRecipient> resolved = new ArrayList<>(addresses.size());
        for (int i = 0; i < addresses.size(); i++) {
            Map<String, Set<Channel>> unsubscribed = loaded.isEmpty() ? Map.of() : loaded.get(i).unsubscribed();
            resolved.add(new ResolvedRecipient(ids.get(i), null, List.of(), addresses.get(i), suppressed.contains(addresses.get(i)), unsubscribed));
        }
        return resolved;
    }

    /** A stable id for an address given in the event, so that keys and logs never carry the address itself. */
    static String directId(String address) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(address.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "email-" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The distinct values at the path, each checked against what its kind can ever be stored or sent as. */
    private static List<String> texts(NotificationType type, JsonNode value) {
        Set<String> out = new LinkedHashSet<>();
        String path = type.recipients().path().toString();
        if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                addText(type, path + "[" + i + "]", out, value.get(i));
            }
        } else {
            addText(type, path, out, value);
        }
        return List.copyOf(out);
    }

    private static void addText(NotificationType type, String path, Set<String> out, JsonNode v) {
        if (!(v.isTextual() || v.isNumber()) || v.asText().isBlank()) {
            return;
        }
        String text = v.asText().strip();
        Optional<String> problem = switch (type.recipients().kind()) {
            case USER_ID -> RecipientLimits.idProblem("recipient id", text);
            case TOPIC -> RecipientLimits.idProblem("topic name", text);
            case EMAIL -> RecipientLimits.emailProblem(text);
        };
        if (problem.isPresent()) {
            throw new Rejection(DeliveryReason.INVALID_EVENT + ": " + path + ": " + problem.get());
        }
        if (type.recipients().kind() == RecipientSpec.Kind.EMAIL && !type.allowsDomainOf(text)) {
            throw new Rejection(DeliveryReason.DOMAIN_NOT_ALLOWED + ": " + path + ": type " + type.id() + " emails only "
                    + String.join(", ", type.allowedDomains()) + " (allowedDomains in catalog.yaml); the event is refused whole, nothing was sent");
        }
        out.add(text);
    }

    /** The event can never be delivered as it stands. */
    static final class Rejection extends RuntimeException {
        Rejection(String reason) {
            super(reason);
        }
    }
}
