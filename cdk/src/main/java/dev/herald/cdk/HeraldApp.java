package dev.herald.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * Synthesizes Herald. Run by the CDK CLI ({@code cdk.json}) or directly:
 * {@code java -cp ... dev.herald.cdk.HeraldApp [key=value ...]}, which reads {@code cdk.json}'s context itself and
 * writes {@code cdk.out}. cdk-nag's AwsSolutions checks run on every synth; an unsuppressed finding fails it.
 */
public final class HeraldApp {

    /** The repository root, seen from {@code cdk/} where the app runs. */
    static final Path REPOSITORY_ROOT = Path.of("..");

    private HeraldApp() {
    }

    public static void main(String[] args) {
        boolean underCli = System.getenv("CDK_OUTDIR") != null;
        App.Builder builder = App.Builder.create();
        if (!underCli) {
            builder.outdir("cdk.out").context(cdkJsonContext(Path.of("cdk.json"))).postCliContext(argumentContext(args));
        }
        App app = builder.build();
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        create(app, REPOSITORY_ROOT);
        CloudAssembly assembly = app.synth();
        int errors = 0;
        for (CloudFormationStackArtifact stack : assembly.getStacks()) {
            for (var message : stack.getMessages()) {
                if (message.getLevel().toString().equalsIgnoreCase("error")) {
                    System.err.println(message.getId() + ": " + message.getEntry().getData());
                    errors++;
                }
            }
        }
        if (errors > 0) {
            System.err.println(errors + " error(s); nothing was written that should be deployed.");
            System.exit(1);
        }
        System.out.println("Synthesized " + assembly.getStacks().getFirst().getStackName() + " to " + assembly.getDirectory());
    }

    /** The Herald stack for the app's context: {@code Herald-<envName>}. */
    public static HeraldStack create(App app, Path repositoryRoot) {
        Object env = app.getNode().tryGetContext(HeraldContext.ENV_NAME);
        String envName = env == null ? "dev" : env.toString();
        Object jars = app.getNode().tryGetContext(HeraldContext.LAMBDA_JARS_DIR);
        var catalog = DeployedCatalog.load(repositoryRoot, Optional.ofNullable(jars).map(Object::toString));
        return new HeraldStack(app, "Herald-" + envName, StackProps.builder()
                .description("Herald notifications (" + envName + "): bus and catalog rules, Lambdas, tables, WebSocket and ingest APIs")
                .build(), catalog, repositoryRoot);
    }

    static Map<String, Object> cdkJsonContext(Path cdkJson) {
        Map<String, Object> context = new LinkedHashMap<>();
        if (!Files.isRegularFile(cdkJson)) {
            return context;
        }
        try {
            JsonNode node = Json.read(Files.readString(cdkJson), JsonNode.class).path("context");
            node.fields().forEachRemaining(e -> context.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cdkJson, e);
        }
    }

    /** {@code key=value} arguments (several may share one argument, space-separated), like the CLI's {@code -c key=value}. */
    static Map<String, Object> argumentContext(String[] args) {
        Map<String, Object> context = new LinkedHashMap<>();
        for (String arg : List.of(String.join(" ", args).strip().split("\\s+"))) {
            if (arg.isEmpty() || arg.equals("-c")) {
                continue;
            }
            String pair = arg.startsWith("-c") ? arg.substring(2).strip() : arg;
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("argument '" + arg + "' is not key=value, e.g. senderAddress=notifications@example.com");
            }
            context.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return context;
    }
}
