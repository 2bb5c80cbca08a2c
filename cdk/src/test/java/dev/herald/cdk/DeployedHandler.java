package dev.herald.cdk;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A deployed handler run as Lambda runs it: its module's jar alone on the class path (plus {@link StartHandler}), a
 * fresh JVM, and the function's variables from the synthesized stack, CloudFormation references replaced by
 * plausible values.
 */
final class DeployedHandler {

    /** How one run went: the child JVM's output (stdout and stderr) and its wall time. */
    record Run(HeraldFunction spec, boolean exited, int exitCode, String output, long wallMillis) {

        /** The handler's response, as {@link StartHandler} printed it. */
        String response() {
            return line(StartHandler.RESPONSE).orElseThrow(() -> new AssertionError(spec + " printed no response:\n" + output));
        }

        Optional<String> timings() {
            return line(StartHandler.TIMINGS);
        }

        /** Every line of the output that is a JSON object: log lines and EMF metrics. */
        List<String> jsonLines() {
            return output.lines().filter(l -> l.startsWith("{")).toList();
        }

        private Optional<String> line(String prefix) {
            return output.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst();
        }
    }

    private DeployedHandler() {
    }

    /** The function's variables as the stack sets them, and the region Lambda provides. */
    @SuppressWarnings("unchecked")
    static Map<String, String> stackEnvironment(SynthesizedHerald herald, HeraldFunction spec) {
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) herald.function(spec).getValue().get("Environment"))
                .get("Variables");
        Map<String, String> environment = new TreeMap<>();
        variables.forEach((name, value) -> environment.put(name, value instanceof String s ? s : standIn(name)));
        environment.put("AWS_REGION", "eu-west-1");
        return environment;
    }

    /** Adds what the Lambda runtime itself sets for the function (its name, version, memory, log group, locale). */
    static Map<String, String> withLambdaRuntime(Map<String, String> environment, HeraldFunction spec) {
        Map<String, String> all = new TreeMap<>(environment);
        all.put("AWS_DEFAULT_REGION", all.get("AWS_REGION"));
        all.put("AWS_LAMBDA_FUNCTION_NAME", "herald-test-" + spec.id());
        all.put("AWS_LAMBDA_FUNCTION_VERSION", "1");
        all.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(spec.memoryMb()));
        all.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/herald-test-" + spec.id());
        all.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/01/[1]herald-test");
        all.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
        all.put("_HANDLER", spec.handler());
        all.put("LANG", "en_US.UTF-8");
        all.put("TZ", ":UTC");
        return all;
    }

    /** Starts the handler from its jar with exactly {@code environment}; with an event, invokes it once. */
    static Run run(HeraldFunction spec, Map<String, String> environment, Optional<Path> event) throws IOException, InterruptedException {
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        String classpath;
        try {
            classpath = jar(spec) + File.pathSeparator + Path.of(StartHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> command = new ArrayList<>(List.of(javaCommand, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                StartHandler.class.getName(), spec.handlerClass()));
        event.ifPresent(e -> command.add(e.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);

        long start = System.nanoTime();
        Process process = builder.start();
        // read while it runs, so a chatty handler never blocks on a full pipe
        var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        long wall = (System.nanoTime() - start) / 1_000_000;
        return new Run(spec, exited, exited ? process.exitValue() : -1, output.join(), wall);
    }

    static Path jar(HeraldFunction spec) {
        return jarOf(spec.module());
    }

    static Path jarOf(LambdaModule module) {
        String dir = System.getProperty("herald.lambdaJarsDir");
        return module.jar(Path.of(".."), Optional.ofNullable(dir).filter(d -> !d.isBlank()));
    }

    /** What CloudFormation fills in at deploy time, by kind of variable. */
    static String standIn(String variable) {
        if (variable.endsWith("_TABLE")) {
            return "herald-test-" + variable.toLowerCase();
        }
        if (variable.endsWith("_QUEUE_URL")) {
            return "https://sqs.eu-west-1.amazonaws.com/123456789012/herald-test-" + variable.toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (variable.endsWith("_URL")) {
            return "https://abc123.execute-api.eu-west-1.amazonaws.com/test";
        }
        return "herald-test";
    }
}
