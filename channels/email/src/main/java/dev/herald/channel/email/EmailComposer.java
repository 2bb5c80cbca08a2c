package dev.herald.channel.email;

import dev.herald.catalog.EmailSettings;
import dev.herald.catalog.NotificationType;
import dev.herald.delivery.DeliveryKey;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds the email for one recipient from the rendered parts and the catalog type: sender and Reply-To from the
 * catalog, one-click unsubscribe headers (RFC 8058) unless the type is critical, and the tags that tie SES events
 * back to the delivery. Pure; no I/O.
 */
public final class EmailComposer {

    /** What RFC 8058 requires as the List-Unsubscribe-Post value. */
    public static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    // one address, no display name, no whitespace or control characters: anything else is no address SES should see
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s\\p{Cntrl}<>\",;]+@[^@\\s\\p{Cntrl}<>\",;]+\\.[^@\\s\\p{Cntrl}<>\",;]+");
    private static final Pattern LINE_BREAKS = Pattern.compile("\\s*[\\r\\n]+\\s*");

    private final Optional<URI> unsubscribeBase;

    /**
     * @param unsubscribeBase the one-click unsubscribe endpoint ({@link UnsubscribeHandler}, HERALD_UNSUBSCRIBE_URL);
     *                        without it no List-Unsubscribe header is sent
     */
    public EmailComposer(Optional<URI> unsubscribeBase) {
        this.unsubscribeBase = unsubscribeBase;
    }

    public static boolean isValidAddress(String address) {
        return address != null && address.length() <= 254 && ADDRESS.matcher(address).matches();
    }

    /**
     * The email for one recipient.
     *
     * @throws IllegalStateException when the type has no sender address in the catalog
     */
    public EmailMessage compose(NotificationType type, DeliveryKey key, String to, String subject, String html, String text) {
        EmailSettings settings = type.email();
        if (settings == null || settings.from() == null) {
            throw new IllegalStateException("type " + type.id() + " has no email sender; set email.from for it (or defaults.email.from) in catalog.yaml");
        }
        List<EmailMessage.Header> headers = new ArrayList<>();
        if (!type.isCritical()) {
            unsubscribeBase.ifPresent(base -> {
                headers.add(new EmailMessage.Header("List-Unsubscribe", "<" + UnsubscribeLink.of(key).on(base) + ">"));
                headers.add(new EmailMessage.Header("List-Unsubscribe-Post", ONE_CLICK));
            });
        }
        return new EmailMessage(settings.from(), settings.replyTo(), to, oneLine(subject), blankToNull(html), blankToNull(text),
                headers, SesTags.of(key));
    }

    /** A subject is one header line: authors' trailing newlines and any line break inside become single spaces. */
    static String oneLine(String subject) {
        return LINE_BREAKS.matcher(subject.strip()).replaceAll(" ");
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
