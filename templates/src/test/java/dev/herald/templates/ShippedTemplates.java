package dev.herald.templates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The templates this module ships (the folder beside its pom, which is where Surefire runs), and copies of them. */
final class ShippedTemplates {

    static final Path DIR = Path.of("").toAbsolutePath();

    private ShippedTemplates() {
    }

    /** Copies the catalog, the samples and the templates (not the build) into {@code target}, to break on purpose. */
    static Path copyTo(Path target) {
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path relative = DIR.relativize(file);
                String first = relative.getName(0).toString();
                if (first.equals("src") || first.equals("target") || first.equals("pom.xml") || first.startsWith(".")) {
                    continue;
                }
                Path copy = target.resolve(relative.toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
