package dev.herald.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.channel.websocket.auth.TokenVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The herald command line against a running herald local. */
class CliTest {

    @AutoClose
    private static final HeraldLocal local = LocalFixture.start();

    record Run(int exit, String out, String err) {
        String lastLine() {
            List<String> lines = out.strip().lines().toList();
            return lines.getLast();
        }
    }

    private static synchronized Run herald(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = HeraldCli.run(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void help_listsTheCommands() {
        Run run = herald("--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("local", "token", "credentials", "publish", "dlq", "status", "templates");
    }

    @Test
    void credentials_printsTheAppCredentialsAsExports_whichHeraldLocalAccepts() {
        // when
        Run run = herald("credentials", "--port", Integer.toString(local.port()));

        // then
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines()).containsExactly(
                "export AWS_ACCESS_KEY_ID=" + local.appCredentials().accessKeyId(),
                "export AWS_SECRET_ACCESS_KEY=" + local.appCredentials().secretAccessKey(),
                "export AWS_REGION=us-east-1");
    }

    @Test
    void token_fromRunningRuntime_isAcceptedByItsGateway() throws Exception {
        // when
        Run run = herald("token", "--user", "user-cli-token", "--port", Integer.toString(local.port()));

        // then
        assertThat(run.exit()).as(run.err()).isZero();
        try (var client = LocalFixture.Client.connect(local, run.lastLine())) {
            client.send("{\"action\":\"sync\"}");
            assertThat(client.next()).contains("\"action\":\"sync\"");
        }
    }

    @Test
    void token_withDataDir_isSignedWithThatDirsSecret(@TempDir Path data) {
        // when
        Run run = herald("token", "--user", "u9", "--data", data.toString());

        // then
        String secret = dev.herald.local.store.LocalSecrets.jwtSecret(java.util.Optional.of(data), null).orElseThrow();
        assertThat(TokenVerifier.hs256(secret, null, null, Clock.systemUTC()).verify(run.lastLine()).userId()).isEqualTo("u9");
    }

    @Test
    void publish_reportsMatchedRules_andStatusShowsTheEvent() {
        // when
        Run run = herald("publish", "--type", "booking.created", "--detail", "{\"userId\":\"u-cli\"}", "--port", Integer.toString(local.port()),
                "--templates", "../templates");

        // then
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("published ").contains("(demo.app / booking.created)").contains("matched [\"booking.created\",\"booking.checkin-reminder\"]");
        String eventId = run.out().lines().filter(l -> l.startsWith("published ")).findFirst().orElseThrow().split(" ")[1];
        Run status = herald("status", eventId, "--port", Integer.toString(local.port()));
        assertThat(status.out()).contains("event " + eventId).contains("demo.app / booking.created").contains("matched: booking.created")
                .contains("herald-enrichment");
        Run json = herald("status", eventId, "--json", "--port", Integer.toString(local.port()));
        assertThat(LocalFixture.json(json.out()).path("eventId").asText()).isEqualTo(eventId);
    }

    @Test
    void publish_unknownType_exitsWith2AndSaysSo() {
        Run run = herald("publish", "--type", "no.such.type", "--detail", "{}", "--port", Integer.toString(local.port()));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("no rule matched detail-type 'no.such.type'");
    }

    @Test
    void dlqList_whenEmpty_saysSo() {
        local.deadLetters().list().forEach(l -> local.deadLetters().remove(l.id()));
        Run run = herald("dlq", "list", "--port", Integer.toString(local.port()));
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("the DLQ is empty");
    }

    @Test
    void dlqRedrive_withoutIdQueueOrAll_explainsWhatToGive() {
        Run run = herald("dlq", "redrive", "--port", Integer.toString(local.port()));
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("give one dead letter ID, or --queue QUEUE, or --all");
    }

    @Test
    void commands_withoutRuntime_sayHowToStartIt() {
        Run run = herald("dlq", "list", "--port", "1");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("no herald local answers at http://127.0.0.1:1");
    }

    @Test
    void templatesCheck_reportsOkOrEachProblem() {
        Run run = herald("templates", "check", "--templates", "../templates");
        assertThat(run.exit()).isIn(0, 1);
        assertThat(run.out() + run.err()).containsAnyOf("templates OK", "problem");
    }

    @Test
    void templatesPreview_rendersEveryPart() {
        Run run = herald("templates", "preview", "booking.created", "--locale", "fr", "--templates", "../templates");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("booking.created · locale fr").contains("email.subject");
    }
}
