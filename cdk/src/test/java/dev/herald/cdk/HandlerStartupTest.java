package dev.herald.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
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

    /** What no handler loads, by where it sits in a jar: other HTTP clients, build metadata, unused Powertools parts. */
    private static final java.util.List<String> LEFT_OUT = java.util.List.of(
            "org/apache/http/", "io/netty/", "software/amazon/awssdk/http/apache/", "software/amazon/awssdk/http/nio/",
            "META-INF/maven/", "META-INF/native-image/", "io/burt/", "org/joda/", "org/javatuples/");
    private static final String LOG4J_PLUGINS = "META-INF/org/apache/logging/log4j/core/config/plugins/Log4j2Plugins.dat";

    @ParameterizedTest(name = "{0}")
    @EnumSource(LambdaModule.class)
    void lambdaJar_holdsOneLog4jPluginCacheForAllPlugins_andNothingNoHandlerLoads(LambdaModule module) throws IOException {
        try (ZipFile jar = new ZipFile(jarOf(module).toFile())) {
            // then
            assertThat(jar.stream().map(java.util.zip.ZipEntry::getName).filter(n -> LEFT_OUT.stream().anyMatch(n::startsWith)))
                    .as("entries of " + jar.getName() + " that no handler loads (see the lambda-jar shade configuration in the root pom)")
                    .isEmpty();
            // log4j reads one plugin cache; without the merge only one jar's survives and log4j2.xml is never read
            String plugins = new String(jar.getInputStream(jar.getEntry(LOG4J_PLUGINS)).readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(plugins).as("the merged " + LOG4J_PLUGINS).contains(
                    "org.apache.logging.log4j.core.config.xml.XmlConfigurationFactory",
                    "org.apache.logging.log4j.core.appender.ConsoleAppender",
                    "org.apache.logging.log4j.layout.template.json.JsonTemplateLayout",
                    "org.apache.logging.log4j.layout.template.json.resolver.PowertoolsResolverFactory");
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
    void handler_startsWithTheEnvironmentTheStackGivesIt(HeraldFunction spec) throws Exception {
        // given
        Map<String, String> environment = DeployedHandler.stackEnvironment(herald, spec);

        // when
        DeployedHandler.Run run = DeployedHandler.run(spec, environment, Optional.empty());

        // then
        assertThat(run.exited()).as(spec.handlerClass() + " started within 60 s").isTrue();
        assertThat(run.exitCode()).as(spec.handlerClass() + " with " + environment.keySet() + ":\n" + run.output()).isZero();
    }

    private static Path jar(HeraldFunction spec) {
        return DeployedHandler.jar(spec);
    }

    private static Path jarOf(LambdaModule module) {
        return DeployedHandler.jarOf(module);
    }
}
