package dev.herald.templates;

import java.nio.file.Path;

/**
 * One thing {@code herald templates check} found wrong: where (file, and line when there is one, else 0), what, and
 * how to fix it. Its {@link #toString()} is the line the CLI prints, e.g.
 * {@code templates/booking.created/fr/email.subject.mustache:3: unknown variable {{checkin}}; sample.json has checkIn}.
 */
public record TemplateProblem(Path file, int line, String message, String fix) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + message + (fix == null || fix.isBlank() ? "" : "; " + fix);
    }
}
