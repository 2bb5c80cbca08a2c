package dev.herald.cdk;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
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
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.RecursiveLoop;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * One Lambda per {@link HeraldFunction}: Java 25 on arm64 (about 20% cheaper per GB-second than x86), SnapStart on
 * published versions, X-Ray active tracing, its own log group and role. Callers always go through the {@code live}
 * alias, which points at a published version (SnapStart only applies to versions) and is what CodeDeploy shifts.
 * Every asynchronously invoked function sends what still fails after Lambda's retries to its own SQS queue; every
 * queue-fed function takes its work from its own queue ({@link HeraldQueues#workQueue}), through an event source
 * mapping with partial batch failures and a maximum concurrency, and its queue's DLQ takes what fails five times.
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
    private final Map<HeraldFunction, Queue> workQueues = new EnumMap<>(HeraldFunction.class);

    /** How each queue-fed function's mapping hands it work. */
    record Mapping(int batchSize, Duration batchingWindow) {
    }

    /**
     * The processor: up to ten units at once, as soon as they come; the due function likewise, ten wake-ups. The fan-out: one page per invocation, its unit of
     * work. The channels: ten dispatches, gathered for up to a second, so that a burst is sent in few invocations.
     */
    static Mapping mapping(HeraldFunction spec) {
        return switch (spec) {
            case PROCESSOR, DUE -> new Mapping(10, Duration.seconds(0));
            case FANOUT -> new Mapping(1, Duration.seconds(0));
            case WEBSOCKET_CHANNEL, PUSH_CHANNEL, EMAIL_CHANNEL -> new Mapping(10, Duration.seconds(1));
            default -> throw new IllegalArgumentException(spec + " is not fed by a queue");
        };
    }

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
            Function.Builder builder = Function.Builder.create(group, "Function");
            if (spec == HeraldFunction.ENRICHMENT) {
                // the one function EventBridge invokes at the rate events arrive; capped, so that the synchronous functions
                // (authorizer, routes, unsubscribe) always find room in the account; events over the cap wait in Lambda's queue
                builder.reservedConcurrentExecutions(context.delivery().enrichmentConcurrency());
            }
            Function function = builder
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
            if (spec.invocation() == HeraldFunction.Invocation.QUEUE) {
                Queue work = HeraldQueues.workQueue(group, "Work", spec.timeout().toSeconds(), failureQueues.get(spec));
                workQueues.put(spec, work);
                Mapping mapping = mapping(spec);
                alias.addEventSource(SqsEventSource.Builder.create(work)
                        .batchSize(mapping.batchSize())
                        .maxBatchingWindow(mapping.batchingWindow())
                        .reportBatchItemFailures(true)
                        .maxConcurrency(context.delivery().concurrency(spec))
                        .build());
            }
        }
        for (HeraldFunction spec : HeraldFunction.values()) {
            if (spec.invocation() == HeraldFunction.Invocation.ASYNC) {
                aliases.get(spec).configureAsyncInvoke(EventInvokeConfigOptions.builder()
                        .retryAttempts(ASYNC_RETRY_ATTEMPTS)
                        .maxEventAge(ASYNC_MAX_EVENT_AGE)
                        .onFailure(new SqsDestination(failureQueues.get(spec)))
                        .build());
            }
        }
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
        return "herald-" + spec.name().toLowerCase(Locale.ROOT).replace('_', '-');
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

    /** The queue a queue-fed function takes its work from. */
    public Queue workQueue(HeraldFunction spec) {
        Queue queue = workQueues.get(spec);
        if (queue == null) {
            throw new IllegalArgumentException(spec + " is not fed by a queue");
        }
        return queue;
    }

    /** Every work queue, by the function it feeds, in {@link HeraldFunction}'s order. */
    public Map<HeraldFunction, Queue> workQueues() {
        return Collections.unmodifiableMap(new EnumMap<>(workQueues));
    }

    /** Where the function's async, stream or queue failures go; empty for functions API Gateway calls synchronously. */
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
