package dev.herald.cdk;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.Channel;
import dev.herald.catalog.NotificationType;
import dev.herald.config.HeraldEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.ses.ConfigurationSet;
import software.amazon.awscdk.services.ses.ConfigurationSetEventDestinationOptions;
import software.amazon.awscdk.services.ses.ConfigurationSetTlsPolicy;
import software.amazon.awscdk.services.ses.EventDestination;
import software.amazon.awscdk.services.ses.SuppressionReasons;
import software.constructs.Construct;

/**
 * SES and SNS: the configuration set every email is sent with (bounces, complaints and deliveries go to EventBridge,
 * where Herald suppresses the address and moves the delivery, and opens and clicks too where engagement tracking is
 * on), the sending permission for exactly the configured sender identity, and the SNS
 * platform applications (created outside the stack, since they hold APNs and FCM credentials) given by context,
 * which scope the push permissions.
 */
public final class HeraldMessaging extends Construct {

    private final ConfigurationSet configurationSet;
    private final HeraldContext context;

    public HeraldMessaging(Construct scope, String id, HeraldContext context, Catalog catalog, FunctionEnvironment environment) {
        super(scope, id);
        this.context = context;
        checkSenders(catalog, context);
        configurationSet = ConfigurationSet.Builder.create(this, "ConfigurationSet")
                .configurationSetName("herald-" + context.envName())
                .tlsPolicy(ConfigurationSetTlsPolicy.REQUIRE)
                // SES's account-level list too, on top of Herald's own suppressions.
                .suppressionReasons(SuppressionReasons.BOUNCES_AND_COMPLAINTS)
                .build();
        configurationSet.addEventDestination("ToEventBridge", ConfigurationSetEventDestinationOptions.builder()
                // SES can only publish to the account's default bus.
                .destination(EventDestination.eventBus(EventBus.fromEventBusName(this, "DefaultBus", "default")))
                .events(List.copyOf(HeraldEvents.sesEvents(context.engagementTracking()).keySet()))
                .build());
        environment.put(HeraldEnv.SES_CONFIGURATION_SET, configurationSet.getConfigurationSetName());
        context.apnsArn().ifPresent(arn -> environment.put(HeraldEnv.SNS_APNS_APPLICATION_ARN, arn));
        context.apnsSandboxArn().ifPresent(arn -> environment.put(HeraldEnv.SNS_APNS_SANDBOX_APPLICATION_ARN, arn));
        context.gcmArn().ifPresent(arn -> environment.put(HeraldEnv.SNS_GCM_APPLICATION_ARN, arn));
    }

    /**
     * Every email type's sender must lie within {@code senderAddress}, or SES (and the IAM policy below) would
     * refuse it in production; better to refuse the synth.
     */
    static void checkSenders(Catalog catalog, HeraldContext context) {
        List<String> problems = new ArrayList<>();
        for (NotificationType type : catalog.types()) {
            if (!type.channels().contains(Channel.EMAIL) || type.email() == null || type.email().from() == null) {
                continue;
            }
            String address = address(type.email().from());
            boolean covered = context.senderEmail().map(a -> a.equalsIgnoreCase(address))
                    .orElseGet(() -> address.toLowerCase(Locale.ROOT).endsWith("@" + context.senderDomain().toLowerCase(Locale.ROOT)));
            if (!covered) {
                problems.add("type '" + type.id() + "' sends from " + address);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(catalog.source() + ": " + String.join("; ", problems) + ", outside the SES identity "
                    + HeraldContext.SENDER_ADDRESS + "=" + context.senderAddress() + ". Set email.from in the catalog to that identity, "
                    + "or set " + HeraldContext.SENDER_ADDRESS + " to the verified domain.");
        }
    }

    /** {@code Herald <n@example.com>} to {@code n@example.com}. */
    static String address(String from) {
        int open = from.indexOf('<');
        int close = from.indexOf('>');
        return (open >= 0 && close > open ? from.substring(open + 1, close) : from).strip();
    }

    /** SendEmail from the sender identity, with Herald's configuration set only. */
    public void grantSendEmail(IGrantable grantee) {
        Stack stack = Stack.of(this);
        List<String> resources = new ArrayList<>();
        // SES authorizes against the identity that verified the address: the address itself or its domain.
        context.senderEmail().ifPresent(a -> resources.add(identityArn(stack, a)));
        resources.add(identityArn(stack, context.senderDomain()));
        resources.add(stack.formatArn(ArnComponents.builder()
                .service("ses").resource("configuration-set").resourceName(configurationSet.getConfigurationSetName()).build()));
        PolicyStatement.Builder statement = PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("ses:SendEmail"))
                .resources(resources);
        context.senderEmail().ifPresent(a -> statement.conditions(Map.of("StringEquals", Map.of("ses:FromAddress", a))));
        grantee.getGrantPrincipal().addToPrincipalPolicy(statement.build());
    }

    private static String identityArn(Stack stack, String identity) {
        return stack.formatArn(ArnComponents.builder().service("ses").resource("identity").resourceName(identity).build());
    }

    /**
     * Publish to the endpoints of the configured platform applications (and nothing else): an endpoint ARN is its
     * application's ARN with {@code app/} replaced by {@code endpoint/}, plus the endpoint id.
     */
    public Optional<PolicyStatement> grantPublishToDevices(IGrantable grantee) {
        List<String> endpoints = context.platformApplicationArns().stream().map(HeraldMessaging::endpointsOf).toList();
        if (endpoints.isEmpty()) {
            return Optional.empty();
        }
        PolicyStatement statement = PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("sns:Publish"))
                .resources(endpoints)
                .build();
        grantee.getGrantPrincipal().addToPrincipalPolicy(statement);
        return Optional.of(statement);
    }

    /**
     * What device registration needs, and only for the configured platform applications:
     * {@code CreatePlatformEndpoint} on the applications themselves, and {@code GetEndpointAttributes},
     * {@code SetEndpointAttributes} and {@code DeleteEndpoint} on their endpoints. No statement when no platform
     * application is configured: every registration is then refused before SNS is called.
     */
    public List<PolicyStatement> grantManageDeviceEndpoints(IGrantable grantee) {
        List<String> applications = context.platformApplicationArns();
        if (applications.isEmpty()) {
            return List.of();
        }
        List<PolicyStatement> statements = List.of(
                PolicyStatement.Builder.create()
                        .effect(Effect.ALLOW)
                        .actions(List.of("sns:CreatePlatformEndpoint"))
                        .resources(applications)
                        .build(),
                PolicyStatement.Builder.create()
                        .effect(Effect.ALLOW)
                        .actions(List.of("sns:GetEndpointAttributes", "sns:SetEndpointAttributes", "sns:DeleteEndpoint"))
                        .resources(applications.stream().map(HeraldMessaging::endpointsOf).toList())
                        .build());
        statements.forEach(grantee.getGrantPrincipal()::addToPrincipalPolicy);
        return statements;
    }

    static String endpointsOf(String platformApplicationArn) {
        return platformApplicationArn.replace(":app/", ":endpoint/") + "/*";
    }

    public ConfigurationSet configurationSet() {
        return configurationSet;
    }
}
