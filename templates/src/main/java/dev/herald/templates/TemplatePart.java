package dev.herald.templates;

import java.util.Arrays;
import java.util.Optional;

/** The parts a notification type can have; each is one file, {@code <type>/<locale>/<part>.mustache}. */
public enum TemplatePart {
    EMAIL_SUBJECT("email.subject"),
    EMAIL_HTML("email.html"),
    EMAIL_TEXT("email.txt"),
    PUSH_TITLE("push.title"),
    PUSH_BODY("push.body"),
    INBOX("inbox");

    private final String id;

    TemplatePart(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public String fileName() {
        return id + ".mustache";
    }

    /** HTML parts are HTML-escaped; the others are plain text. */
    public boolean isHtml() {
        return this == EMAIL_HTML;
    }

    public static Optional<TemplatePart> fromFileName(String fileName) {
        return Arrays.stream(values()).filter(p -> p.fileName().equals(fileName)).findFirst();
    }
}
