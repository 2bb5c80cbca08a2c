package dev.herald.templates;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into its tags, with line numbers, for the checker. mustache.java's parser stops at the first
 * error and hides its tree; this scanner reads every tag, so the checker can report them all with file:line.
 */
final class TemplateScanner {

    enum Kind {
        VARIABLE, RAW, SECTION, INVERTED, CLOSE, COMMENT, PARTIAL, SET_DELIMITER, INHERITANCE, UNTERMINATED
    }

    record Tag(Kind kind, String name, int line, String text) {
    }

    private TemplateScanner() {
    }

    /** The tags of {@code template}, in order. Scanning stops after a set-delimiter or an unterminated tag. */
    static List<Tag> scan(String template) {
        List<Tag> tags = new ArrayList<>();
        int position = 0;
        while (true) {
            int open = template.indexOf("{{", position);
            if (open < 0) {
                return tags;
            }
            int line = lineOf(template, open);
            boolean triple = template.startsWith("{{{", open);
            String closing = triple ? "}}}" : "}}";
            int contentStart = open + (triple ? 3 : 2);
            int close = template.indexOf(closing, contentStart);
            if (close < 0) {
                tags.add(new Tag(Kind.UNTERMINATED, "", line, template.substring(open, Math.min(template.length(), open + 30))));
                return tags;
            }
            String content = template.substring(contentStart, close);
            String text = template.substring(open, close + closing.length());
            position = close + closing.length();
            if (triple) {
                tags.add(new Tag(Kind.RAW, content.strip(), line, text));
                continue;
            }
            String trimmed = content.strip();
            char sigil = trimmed.isEmpty() ? ' ' : trimmed.charAt(0);
            String rest = trimmed.isEmpty() ? "" : trimmed.substring(1).strip();
            switch (sigil) {
                case '!' -> tags.add(new Tag(Kind.COMMENT, rest, line, text));
                case '#' -> tags.add(new Tag(Kind.SECTION, rest, line, text));
                case '^' -> tags.add(new Tag(Kind.INVERTED, rest, line, text));
                case '/' -> tags.add(new Tag(Kind.CLOSE, rest, line, text));
                case '>' -> tags.add(new Tag(Kind.PARTIAL, rest, line, text));
                case '&' -> tags.add(new Tag(Kind.RAW, rest, line, text));
                case '<', '$' -> tags.add(new Tag(Kind.INHERITANCE, rest, line, text));
                case '=' -> {
                    tags.add(new Tag(Kind.SET_DELIMITER, rest, line, text));
                    return tags;
                }
                default -> tags.add(new Tag(Kind.VARIABLE, trimmed, line, text));
            }
        }
    }

    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
