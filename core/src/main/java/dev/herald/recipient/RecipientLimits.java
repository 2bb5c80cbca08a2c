package dev.herald.recipient;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How long a recipient id, a topic name and an email address may be. Ids and topics become parts of DynamoDB keys
 * ({@code USER#id}, {@code TOPIC#t}, a delivery's {@code type#channel#id}), whose limits are 2,048 bytes for a
 * partition key and 1,024 for a sort key; 256 bytes leaves room for the rest of every key. An address follows
 * RFC 5321: a path is at most 256 octets with its angle brackets, so an address at most 254 characters.
 */
public final class RecipientLimits {

    public static final int MAX_ID_BYTES = 256;
    public static final int MAX_EMAIL_CHARS = 254;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private RecipientLimits() {
    }

    /** Why {@code id} (a recipient id or a topic name) cannot be used, or empty when it can. */
    public static Optional<String> idProblem(String what, String id) {
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        return bytes > MAX_ID_BYTES
                ? Optional.of(what + " is " + bytes + " bytes; at most " + MAX_ID_BYTES + " bytes (UTF-8) fit Herald's keys")
                : Optional.empty();
    }

    /** Why {@code address} cannot be emailed, or empty when it looks deliverable. Never quotes the address. */
    public static Optional<String> emailProblem(String address) {
        if (address.length() > MAX_EMAIL_CHARS) {
            return Optional.of("email address is " + address.length() + " characters; at most " + MAX_EMAIL_CHARS + " (RFC 5321)");
        }
        if (!EMAIL.matcher(address).matches()) {
            return Optional.of("not an email address");
        }
        return Optional.empty();
    }
}
