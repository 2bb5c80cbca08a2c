package dev.herald.channel.email;

import java.util.List;
import java.util.Map;

/**
 * One email, ready for SES: who from and to, the rendered parts, extra headers and the message tags that let an SES
 * bounce or complaint event find its delivery again. {@code html} or {@code text} may be null, not both.
 */
public record EmailMessage(String from, String replyTo, String to, String subject, String html, String text,
                           List<Header> headers, Map<String, String> tags) {

    public EmailMessage {
        headers = List.copyOf(headers);
        tags = Map.copyOf(tags);
        if (html == null && text == null) {
            throw new IllegalArgumentException("an email needs an HTML or a text body");
        }
    }

    /** A header SES adds to the message, e.g. {@code List-Unsubscribe}. */
    public record Header(String name, String value) {
    }
}
