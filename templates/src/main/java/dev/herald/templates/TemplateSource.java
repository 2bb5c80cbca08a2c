package dev.herald.templates;

import dev.herald.catalog.CatalogLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where template files are read from: a directory (authors, herald local) or the classpath (Lambda jars). */
public interface TemplateSource {

    /** The file at {@code relativePath} (e.g. {@code booking.created/fr/email.subject.mustache}), if it exists. */
    Optional<String> read(String relativePath);

    /** A human-readable location of a file, for error messages. */
    String describe(String relativePath);

    static TemplateSource directory(Path root) {
        return new TemplateSource() {
            @Override
            public Optional<String> read(String relativePath) {
                Path file = root.resolve(relativePath).normalize();
                if (!file.startsWith(root.normalize()) || !Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }

            @Override
            public String describe(String relativePath) {
                return root.resolve(relativePath).toString();
            }
        };
    }

    static TemplateSource classpath() {
        return new TemplateSource() {
            @Override
            public Optional<String> read(String relativePath) {
                try (InputStream in = TemplateSource.class.getClassLoader().getResourceAsStream(CatalogLoader.CLASSPATH_ROOT + "/" + relativePath)) {
                    return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read classpath:" + relativePath, e);
                }
            }

            @Override
            public String describe(String relativePath) {
                return "classpath:" + CatalogLoader.CLASSPATH_ROOT + "/" + relativePath;
            }
        };
    }
}
