package dev.herald.cdk;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The catalog the rules are generated from: the one packaged in the enrichment jar, i.e. the catalog the deployed
 * handlers will load. Rules and handlers therefore always agree on the types. When {@code templates/catalog.yaml}
 * is at hand and differs from it, the jars are stale and the synth stops.
 */
public final class DeployedCatalog {

    static final String ENTRY = CatalogLoader.CLASSPATH_ROOT + "/" + CatalogLoader.FILE_NAME;

    private DeployedCatalog() {
    }

    public static Catalog load(Path repositoryRoot, Optional<String> jarsDir) {
        Path jar = LambdaModule.ENRICHMENT.jar(repositoryRoot, jarsDir);
        String packaged = read(jar);
        Path source = repositoryRoot.resolve("templates").resolve(CatalogLoader.FILE_NAME);
        if (Files.isRegularFile(source)) {
            try {
                if (!Files.readString(source, StandardCharsets.UTF_8).equals(packaged)) {
                    throw new IllegalStateException(source.toAbsolutePath().normalize() + " differs from the catalog packaged in " + jar
                            + ": the Lambda jars are older than the catalog. Run `mvn package -DskipTests` in the repository root, then synth again.");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + source, e);
            }
        }
        return CatalogLoader.parse(jar + "!/" + ENTRY, packaged);
    }

    private static String read(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(ENTRY);
            if (entry == null) {
                throw new IllegalStateException(jar + " has no " + ENTRY + "; the enrichment jar must include herald-templates");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the catalog from " + jar, e);
        }
    }
}
