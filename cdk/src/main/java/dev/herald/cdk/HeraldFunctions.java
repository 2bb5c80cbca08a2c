package dev.herald.cdk;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventInvokeConfigOptions;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IDestination;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.RecursiveLoop;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.destinations.LambdaDestination;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * One Lambda per {@link HeraldFunction}: Java 25 on arm64 (about 20% cheaper per GB-second than x86), SnapStart on
 * published versions, X-Ray active tracing, its own log group and role. Callers always go through the {@code live}
 * alias, which points at a published version (SnapStart only applies to versions) and is what CodeDeploy shifts.
 * Every asynchronously invoked function sends what still fails after Lambda's retries to its own SQS queue.
 */
public final class HeraldFunctions extends Construct {

    public static final String ALIAS = "live";
    /** The one variable every function gets besides its {@link HeraldFunction} set; not Herald's, so not in HeraldEnv. */
    public static final String SERVICE_NAME_VARIABLE = "POWERTOOLS_SERVICE_NAME";

    /** Lambda's own async retries: two, over at most six hours; then the on-failure destination. */
    static final int ASYNC_RETRY_ATTEMPTS = 2;
    static final Duration ASYNC_MAX_EVENT_AGE = Duration.hours(6);

    private final Map<HeraldFunction, Function> functions = new EnumMap<>(HeraldFunction.class);
    private final Map<HeraldFunction, Alias> aliases = new EnumMap<>(HeraldFunction.class);
    private final Map<HeraldFunction, Queue> failureQueues = new EnumMap<>(HeraldFunction.class);
    private final Map<HeraldFunction, Role> roles = new EnumMap<>(HeraldFunction.class);

    public HeraldFunctions(Construct scope, String id, HeraldContext context, Path repositoryRoot) {
        super(scope, id);
        RetentionDays retention = retention(context.logRetentionDays());
        for (HeraldFunction spec : HeraldFunction.values()) {
            Construct group = new Construct(this, spec.id());
            LogGroup logs = LogGroup.Builder.create(group, "Logs")
                    .retention(retention)
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            // An own role instead of the AWSLambdaBasicExecutionRole managed policy: it may write to its own log
            // group only.
            Role role = Role.Builder.create(group, "Role")
                    .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                    .description("Herald " + spec.id() + " Lambda")
                    .build();
            logs.grantWrite(role);
            Function function = Function.Builder.create(group, "Function")
                    .description("Herald " + spec.id() + ": " + spec.handlerClass())
                    .runtime(Runtime.JAVA_25)
                    .architecture(Architecture.ARM_64)
                    .handler(spec.handler())
                    .code(Code.fromAsset(spec.module().jar(repositoryRoot, context.lambdaJarsDir()).toString()))
                    .memorySize(spec.memoryMb())
                    .timeout(Duration.seconds(spec.timeout().toSeconds()))
                    .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                    .tracing(Tracing.ACTIVE)
                    .role(role)
                    .logGroup(logs)
                    // Handlers already log JSON (Powertools' Log4j layout); Lambda's own lines match it.
                    .loggingFormat(LoggingFormat.JSON)
                    // Herald's own events never match a catalog rule; this stops any loop that slips through.
                    .recursiveLoop(RecursiveLoop.TERMINATE)
                    .build();
            Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "every function publishes its current version, and the live alias points at it");
            CfnLint.ignore(function, "W3005", "CDK makes a function depend on its role construct so that the role's policy exists "
                    + "before the function can run; the role half of that DependsOn repeats the Role GetAtt and changes nothing.");
            Alias alias = Alias.Builder.create(group, "Alias")
                    .aliasName(ALIAS)
                    .version(function.getCurrentVersion())
                    .build();
            functions.put(spec, function);
            aliases.put(spec, alias);
            roles.put(spec, role);
            if (spec.invocation() != HeraldFunction.Invocation.SYNC) {
                failureQueues.put(spec, HeraldQueues.deadLetterQueue(group, "Failures"));
            }
        }
        for (HeraldFunction spec : HeraldFunction.values()) {
            if (spec.invocation() == HeraldFunction.Invocation.ASYNC) {
                aliases.get(spec).configureAsyncInvoke(EventInvokeConfigOptions.builder()
                        .retryAttempts(ASYNC_RETRY_ATTEMPTS)
                        .maxEventAge(ASYNC_MAX_EVENT_AGE)
                        .onFailure(new SqsDestination(failureQueues.get(spec)))
                        .onSuccess(onSuccess(spec).orElse(null))
                        .build());
            }
        }
    }

    /** Enrichment hands its result to the processor directly: no bus round trip, no extra event to pay for. */
    private Optional<IDestination> onSuccess(HeraldFunction spec) {
        if (spec == HeraldFunction.ENRICHMENT) {
            return Optional.of(new LambdaDestination(aliases.get(HeraldFunction.PROCESSOR)));
        }
        return Optional.empty();
    }

    /** Sets every function's environment from the values the other constructs provided. Call once, last. */
    public void applyEnvironment(FunctionEnvironment environment) {
        functions.forEach((spec, function) -> {
            environment.variables(spec).forEach(function::addEnvironment);
            function.addEnvironment(SERVICE_NAME_VARIABLE, serviceName(spec));
        });
    }

    /** Powertools' service name: the {@code service} field of every log line, e.g. {@code herald-websocket-channel}. */
    static String serviceName(HeraldFunction spec) {
        return "herald-" + spec.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public Function function(HeraldFunction spec) {
        return functions.get(spec);
    }

    /** The {@code live} alias: what every caller invokes. */
    public Alias alias(HeraldFunction spec) {
        return aliases.get(spec);
    }

    public Role role(HeraldFunction spec) {
        return roles.get(spec);
    }

    /** Where the function's async (or stream) failures go; empty for functions API Gateway calls synchronously. */
    public Optional<Queue> failureQueue(HeraldFunction spec) {
        return Optional.ofNullable(failureQueues.get(spec));
    }

    public List<HeraldFunction> specs() {
        return List.copyOf(functions.keySet());
    }

    /** CDK's RetentionDays lists CloudWatch's periods in {@link HeraldContext#RETENTION_DAYS}' order, then INFINITE. */
    static RetentionDays retention(int days) {
        int index = HeraldContext.RETENTION_DAYS.indexOf(days);
        if (index < 0 || RetentionDays.values().length != HeraldContext.RETENTION_DAYS.size() + 1) {
            throw new IllegalArgumentException("no CloudWatch retention of " + days + " days; use one of " + HeraldContext.RETENTION_DAYS);
        }
        return RetentionDays.values()[index];
    }
}
