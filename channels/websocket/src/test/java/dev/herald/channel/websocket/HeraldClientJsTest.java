package dev.herald.channel.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.herald.testing.RequiredTools.assumeInstalled;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the browser client's own tests (client/herald-client.test.js) with Node, when Node is installed. */
class HeraldClientJsTest {

    @Test
    void heraldClientJs_passesItsNodeTests() throws Exception {
        // given
        Path tests = Path.of("client", "herald-client.test.js").toAbsolutePath();
        assumeTrue(Files.isRegularFile(tests), "run from the module directory");
        assumeInstalled(nodeAvailable(), "node is not installed (Node 20: apt-get install nodejs)");

        // when
        Process node = new ProcessBuilder("node", "--test", tests.toString()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = node.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly();
        }

        // then
        assertThat(finished).as("node --test finished").isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("# fail 0");
    }

    private static boolean nodeAvailable() {
        try {
            Process probe = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
