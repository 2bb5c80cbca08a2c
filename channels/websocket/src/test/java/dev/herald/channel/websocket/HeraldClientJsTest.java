package dev.herald.channel.websocket;

import static dev.herald.testing.RequiredTools.assumeInstalled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Runs the browser code's own tests (herald-client.js and herald-inbox.js, in client/) with Node, when Node is installed. */
class HeraldClientJsTest {

    @Test
    void browserCode_passesItsNodeTests() throws Exception {
        // given: every *.test.js of the client folder
        Path client = Path.of("client").toAbsolutePath();
        assumeTrue(Files.isRegularFile(client.resolve("herald-client.test.js")), "run from the module directory");
        List<String> command = new ArrayList<>(List.of("node", "--test"));
        try (Stream<Path> files = Files.list(client)) {
            files.filter(f -> f.getFileName().toString().endsWith(".test.js")).sorted().forEach(f -> command.add(f.toString()));
        }
        assumeInstalled(nodeAvailable(), "node is not installed (Node 20: apt-get install nodejs)");

        // when
        Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = node.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            node.destroyForcibly();
        }

        // then
        assertThat(finished).as("node --test finished").isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).contains("# fail 0");
        assertThat(command).as("both the client's and the inbox's tests ran").hasSizeGreaterThanOrEqualTo(4);
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
