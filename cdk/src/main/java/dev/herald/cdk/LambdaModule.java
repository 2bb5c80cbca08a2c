package dev.herald.cdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Maven module that builds a Lambda jar ({@code maven-shade-plugin}, classifier {@code lambda}). Each function
 * deploys its own module's jar, so a function carries only what its handler needs.
 */
public enum LambdaModule {
    ENRICHMENT("enrichment", "herald-enrichment"),
    PROCESSOR("processor", "herald-processor"),
    WEBSOCKET("channels/websocket", "herald-channel-websocket"),
    PUSH("channels/push", "herald-channel-push"),
    EMAIL("channels/email", "herald-channel-email");

    private final String directory;
    private final String artifactId;

    LambdaModule(String directory, String artifactId) {
        this.directory = directory;
        this.artifactId = artifactId;
    }

    /** The module's directory, relative to the repository root. */
    public String directory() {
        return directory;
    }

    public String artifactId() {
        return artifactId;
    }

    public String jarName() {
        return artifactId + "-" + BuildInfo.version() + "-lambda.jar";
    }

    /**
     * The jar to deploy: from {@code jarsDir} when given, else from the module's {@code target/} under
     * {@code repositoryRoot}. Fails with what to run when it has not been built.
     */
    public Path jar(Path repositoryRoot, Optional<String> jarsDir) {
        Path jar = jarsDir.map(dir -> Path.of(dir).resolve(jarName()))
                .orElseGet(() -> repositoryRoot.resolve(directory).resolve("target").resolve(jarName()))
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Lambda jar " + jar + " does not exist. Build the Lambda jars first: run `mvn package -DskipTests`"
                    + " in the repository root" + (jarsDir.isPresent() ? ", or point " + HeraldContext.LAMBDA_JARS_DIR + " at a directory holding "
                    + jarName() : " (it builds " + directory + "/target/" + jarName() + ")") + ".");
        }
        return jar;
    }
}
