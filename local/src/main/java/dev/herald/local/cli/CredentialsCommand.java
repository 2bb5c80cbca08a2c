package dev.herald.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "credentials", mixinStandardHelpOptions = true,
        description = {"Prints the AWS credentials a running herald local accepts, as shell exports:",
                "  eval \"$(./herald credentials)\"   then the AWS CLI and SDKs sign as herald local requires."})
public final class CredentialsCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8787", description = "port of herald local (default: ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() {
        JsonNode info = new RuntimeClient(RuntimeClient.endpoint(null, port)).get("/local/info");
        System.out.println("export AWS_ACCESS_KEY_ID=" + info.path("awsAccessKeyId").asText());
        System.out.println("export AWS_SECRET_ACCESS_KEY=" + info.path("awsSecretAccessKey").asText());
        System.out.println("export AWS_REGION=us-east-1");
        return 0;
    }
}
