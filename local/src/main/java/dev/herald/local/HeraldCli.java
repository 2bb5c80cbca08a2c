package dev.herald.local;

import dev.herald.local.cli.CredentialsCommand;
import dev.herald.local.cli.DlqCommand;
import dev.herald.local.cli.LocalCommand;
import dev.herald.local.cli.PublishCommand;
import dev.herald.local.cli.StatusCommand;
import dev.herald.local.cli.TemplatesCommand;
import dev.herald.local.cli.TokenCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code herald} command line. Logs go to stderr; results (and the ready line) to stdout. */
@Command(name = "herald", mixinStandardHelpOptions = true, version = "herald 0.1.0",
        description = "Herald: multi-channel notifications. Run it locally, publish events, inspect what happened.",
        subcommands = {LocalCommand.class, TokenCommand.class, PublishCommand.class, CredentialsCommand.class, DlqCommand.class, StatusCommand.class,
                TemplatesCommand.class, CommandLine.HelpCommand.class})
public final class HeraldCli {

    /** Set before any logger exists: herald local logs readable lines to stderr, not Lambda's JSON. */
    static final String LOG_CONFIG = "herald-local-log4j2.xml";
    /** DynamoDB Local's AWS SDK v1 warns on java.util.logging that JAXB is missing; it does not need it. Held so it stays configured. */
    private static final java.util.logging.Logger SDK_V1 = java.util.logging.Logger.getLogger("com.amazonaws");

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", LOG_CONFIG);
        }
        // herald local's own shutdown hook logs while it stops; log4j must not stop first
        System.setProperty("log4j2.shutdownHookEnabled", "false");
        SDK_V1.setLevel(java.util.logging.Level.SEVERE);
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new HeraldCli());
        // "--detail @file" is ours to read; picocli would otherwise expand it as an argument file
        cli.setExpandAtFiles(false);
        // channels are named as in catalog.yaml: --send-rate email=50
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("herald: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }
}
