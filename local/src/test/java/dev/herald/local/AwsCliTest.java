package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.herald.testing.RequiredTools.assumeInstalled;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The AWS CLI v2 publishes to herald local with --endpoint-url, and a WebSocket client holding a token gets it. */
class AwsCliTest {

    private static final Path AWS = Path.of("/usr/bin/aws");

    @Test
    void awsCliPutEvents_reachesWebSocketClient() throws Exception {
        assumeInstalled(Files.isExecutable(AWS), "AWS CLI v2 is not installed at /usr/bin/aws (apt-get install awscli)");
        try (HeraldLocal local = LocalFixture.start();
             var client = LocalFixture.Client.connect(local, local.token("user-cli", Duration.ofMinutes(5)))) {
            // given
            String entries = "[{\"Source\":\"demo.app\",\"DetailType\":\"booking.created\",\"EventBusName\":\"herald\",\"Detail\":"
                    + "\"{\\\"userId\\\":\\\"user-cli\\\",\\\"bookingId\\\":\\\"BK-CLI\\\",\\\"hotelName\\\":\\\"Hotel AWS CLI\\\",\\\"city\\\":\\\"C\\\","
                    + "\\\"checkIn\\\":\\\"2026-12-18\\\",\\\"nights\\\":1,\\\"guests\\\":1,\\\"total\\\":{\\\"amount\\\":5,\\\"currency\\\":\\\"EUR\\\"},"
                    + "\\\"manageUrl\\\":\\\"https://x.example\\\"}\"}]";

            // when
            ProcessBuilder builder = new ProcessBuilder(List.of(AWS.toString(), "events", "put-events", "--endpoint-url", local.baseUrl(),
                    "--region", "us-east-1", "--entries", entries, "--output", "json"));
            builder.environment().put("AWS_ACCESS_KEY_ID", local.appCredentials().accessKeyId());
            builder.environment().put("AWS_SECRET_ACCESS_KEY", local.appCredentials().secretAccessKey());
            builder.environment().put("AWS_PAGER", "");
            builder.redirectErrorStream(true);
            Process process = builder.start();
            boolean done = process.waitFor(60, TimeUnit.SECONDS);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!done) {
                process.destroyForcibly();
            }

            // then
            assertThat(done).as("aws finished").isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(LocalFixture.json(output).path("FailedEntryCount").asInt()).isZero();
            assertThat(client.next()).contains("Hotel AWS CLI");
        }
    }
}
