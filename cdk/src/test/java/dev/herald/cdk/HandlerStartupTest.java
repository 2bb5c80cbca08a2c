package dev.herald.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each deployed handler starts from exactly the environment the stack gives it: its jar, a fresh JVM, the
 * function's variables (CloudFormation references replaced by plausible values) and nothing else but the region
 * Lambda itself provides. A handler that needs a variable the stack does not set fails here, not in production.
 */
class HandlerStartupTest {

    private static SynthesizedHerald herald;

    @BeforeAll
    static void synthesizeOnce() {
        herald = SynthesizedHerald.get();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(HeraldFunction.class)
    void handler_isInItsModulesJar(HeraldFunction spec) throws IOException {
        try (ZipFile jar = new ZipFile(jar(spec).toFile())) {
            assertThat(jar.getEntry(spec.handlerClass().replace('.', '/') + ".class"))
                    .as(spec.handlerClass() + " in " + jar.getName()).isNotNull();
        }
    }

    /** Each module's own package: a class there named {@code *Handler} is a Lambda entry point. */
    private static final Map<LambdaModule, String> PACKAGES = Map.of(
            LambdaModule.ENRICHMENT, "dev/herald/enrichment/",
            LambdaModule.PROCESSOR, "dev/herald/processor/",
            LambdaModule.WEBSOCKET, "dev/herald/channel/websocket/",
            LambdaModule.PUSH, "dev/herald/channel/push/",
            LambdaModule.EMAIL, "dev/herald/channel/email/");

    @ParameterizedTest(name = "{0}")
    @EnumSource(LambdaModule.class)
    void everyHandlerInAModulesJar_isDeployed(LambdaModule module) throws IOException {
        // given
        Path jarPath = jarOf(module);
        java.util.Set<String> handlers = new java.util.TreeSet<>();
        try (ZipFile jar = new ZipFile(jarPath.toFile())) {
            jar.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.startsWith(PACKAGES.get(module)) && n.endsWith("Handler.class") && !n.contains("$"))
                    .forEach(n -> handlers.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
        }

        // then
        java.util.Set<String> deployed = new java.util.TreeSet<>();
        for (HeraldFunction spec : HeraldFunction.values()) {
            if (spec.module() == module) {
                deployed.add(spec.handlerClass());
            }
        }
        assertThat(handlers).as("handlers in " + jarPath + " (add each to HeraldFunction, with its trigger)").isEqualTo(deployed);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(HeraldFunction.class)
    @SuppressWarnings("unchecked")
    void handler_startsWithTheEnvironmentTheStackGivesIt(HeraldFunction spec) throws Exception {
        // given
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) herald.function(spec).getValue().get("Environment"))
                .get("Variables");
        Map<String, String> environment = new TreeMap<>();
        variables.forEach((name, value) -> environment.put(name, value instanceof String s ? s : standIn(name)));
        environment.put("AWS_REGION", "eu-west-1");
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        String classpath = jar(spec) + java.io.File.pathSeparator + Path.of(StartHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ProcessBuilder builder = new ProcessBuilder(javaCommand, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                StartHandler.class.getName(), spec.handlerClass()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);

        // when
        Process process = builder.start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // then
        assertThat(exited).as(spec.handlerClass() + " started within 60 s").isTrue();
        assertThat(process.exitValue()).as(spec.handlerClass() + " with " + environment.keySet() + ":\n" + output).isZero();
    }

    /** What CloudFormation fills in at deploy time, by kind of variable. */
    private static String standIn(String variable) {
        if (variable.endsWith("_TABLE")) {
            return "herald-test-" + variable.toLowerCase();
        }
        if (variable.endsWith("_FUNCTION")) {
            return "arn:aws:lambda:eu-west-1:123456789012:function:herald-test:live";
        }
        if (variable.endsWith("_URL")) {
            return "https://abc123.execute-api.eu-west-1.amazonaws.com/test";
        }
        return "herald-test";
    }

    private static Path jar(HeraldFunction spec) {
        return jarOf(spec.module());
    }

    private static Path jarOf(LambdaModule module) {
        String dir = System.getProperty("herald.lambdaJarsDir");
        return module.jar(Path.of(".."), Optional.ofNullable(dir).filter(d -> !d.isBlank()));
    }
}
