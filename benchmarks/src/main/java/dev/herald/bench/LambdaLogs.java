package dev.herald.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.herald.cdk.HeraldFunction;
import dev.herald.observability.EmfNotificationMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.impl.ContextDataFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.util.StringMap;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * What Herald's handlers write to CloudWatch Logs, measured while herald local runs them in this JVM: every log event
 * of a handler's logger at the level shipped (INFO), rendered as a Lambda function writes it, with the layout of
 * {@code core/src/main/resources/log4j2.xml} (Powertools' {@code LambdaJsonLayout.json}) and the fields Powertools adds
 * from the Lambda context (function name, ARN, version, memory, request id, cold start, X-Ray trace id, service).
 * herald local passes no Lambda context, so those fields come from a real {@link PowertoolsLogging#withLogging} call
 * with a context shaped like the stack's. herald local's own loggers ({@code dev.herald.local}) are not counted: they
 * do not run in Lambda.
 *
 * <p>Lambda's own lines ({@code platform.start} and {@code platform.report}, JSON as the stack's {@code loggingFormat})
 * and the EMF metric lines are rendered by {@link #platformLineBytes} and {@link #emfLineBytes}.
 */
final class LambdaLogs {

    /** The level the stack ships: core's log4j2.xml, {@code HERALD_LOG_LEVEL} unset. */
    static final Level SHIPPED = Level.INFO;

    private static final String APPENDER = "herald-cost-meter";
    private static final String HERALD_LOGGERS = "dev.herald";
    private static final String LOCAL_ONLY = "dev.herald.local";
    private static final String ACCOUNT = "123456789012";
    // the shape of a sampled trace header, as Lambda sets it for an actively traced invocation
    private static final String TRACE_HEADER = "Root=1-6751c1a2-0f3e5b7c9d1a2b3c4d5e6f70;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=1:a1b2c3d4:0";

    /** Log events and their bytes, per logger (its class's simple name). */
    record Count(long events, long bytes) {
        Count plus(Count other) {
            return new Count(events + other.events, bytes + other.bytes);
        }

        /** Per logger, what was counted between two snapshots. */
        static Map<String, Count> between(Map<String, Count> before, Map<String, Count> after) {
            Map<String, Count> counts = new TreeMap<>();
            after.forEach((logger, count) -> {
                Count was = before.getOrDefault(logger, new Count(0, 0));
                counts.put(logger, new Count(count.events() - was.events(), count.bytes() - was.bytes()));
            });
            return counts;
        }
    }

    private final JsonTemplateLayout layout;
    private final Map<String, LongAdder[]> byLogger = new ConcurrentHashMap<>();
    // rendered when counted, not on the handler's thread, so that measuring adds nothing to the handler times
    private final java.util.Queue<LogEvent> unrendered = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Map<HeraldFunction, Map<String, String>> powertoolsFields = new ConcurrentHashMap<>();
    private final Appender appender;
    private final LoggerConfig heraldLoggers;
    private final Level levelBefore;

    private LambdaLogs(LoggerContext context) {
        Configuration configuration = context.getConfiguration();
        this.layout = JsonTemplateLayout.newBuilder()
                .setConfiguration(configuration)
                .setEventTemplateUri("classpath:LambdaJsonLayout.json")
                .build();
        this.appender = new Appender();
        appender.start();
        this.heraldLoggers = configuration.getLoggerConfig(HERALD_LOGGERS);
        this.levelBefore = heraldLoggers.getLevel();
        heraldLoggers.addAppender(appender, SHIPPED, null);
        heraldLoggers.setLevel(SHIPPED);
        context.updateLoggers();
    }

    /**
     * Starts counting every event of Herald's loggers at {@link #SHIPPED}; also sets those loggers to that level (their
     * other appenders, e.g. herald local's log file, then see INFO too).
     */
    static LambdaLogs start() {
        return new LambdaLogs((LoggerContext) LogManager.getContext(false));
    }

    /** Stops counting and puts the loggers' level back. */
    void stop() {
        heraldLoggers.removeAppender(APPENDER);
        heraldLoggers.setLevel(levelBefore);
        ((LoggerContext) LogManager.getContext(false)).updateLoggers();
        appender.stop();
    }

    Map<String, Count> snapshot() {
        for (LogEvent event = unrendered.poll(); event != null; event = unrendered.poll()) {
            String logger = event.getLoggerName().substring(event.getLoggerName().lastIndexOf('.') + 1);
            LongAdder[] adders = byLogger.computeIfAbsent(logger, l -> new LongAdder[] {new LongAdder(), new LongAdder()});
            adders[0].increment();
            adders[1].add(utf8(render(event)));
        }
        Map<String, Count> counts = new TreeMap<>();
        byLogger.forEach((logger, adders) -> counts.put(logger, new Count(adders[0].sum(), adders[1].sum())));
        return counts;
    }

    /** The line {@code event} becomes in CloudWatch Logs: the JSON layout with Powertools' Lambda fields. */
    String render(LogEvent event) {
        StringMap data = ContextDataFactory.createContextData();
        data.putAll(event.getContextData());
        fieldsOf(functionOf(event.getLoggerName())).forEach(data::putValue);
        LogEvent inLambda = Log4jLogEvent.newBuilder()
                .setLoggerName(event.getLoggerName())
                .setLoggerFqcn(event.getLoggerFqcn())
                .setLevel(event.getLevel())
                .setMessage(event.getMessage())
                .setThrown(event.getThrown())
                .setTimeMillis(event.getTimeMillis())
                .setThreadName(event.getThreadName())
                .setContextData(data)
                .build();
        String line = layout.toSerializable(inLambda);
        // a CloudWatch log event is the line without its delimiter
        return line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    }

    private Map<String, String> fieldsOf(HeraldFunction function) {
        return powertoolsFields.computeIfAbsent(function, LambdaLogs::capturePowertoolsFields);
    }

    /** The fields Powertools puts on every line of an invocation of {@code function}, from a real call. */
    private static Map<String, String> capturePowertoolsFields(HeraldFunction function) {
        String before = System.getProperty("com.amazonaws.xray.traceHeader");
        System.setProperty("com.amazonaws.xray.traceHeader", TRACE_HEADER);
        try {
            Map<String, String> fields = new TreeMap<>(PowertoolsLogging.withLogging(new StackContext(function), () -> {
                Map<String, String> mdc = MDC.getCopyOfContextMap();
                return mdc == null ? Map.<String, String>of() : mdc;
            }));
            fields.put("service", serviceName(function));
            return fields;
        } finally {
            if (before == null) {
                System.clearProperty("com.amazonaws.xray.traceHeader");
            } else {
                System.setProperty("com.amazonaws.xray.traceHeader", before);
            }
        }
    }

    /** The stack's {@code POWERTOOLS_SERVICE_NAME} for {@code function}. */
    static String serviceName(HeraldFunction function) {
        return "herald-" + function.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The name CloudFormation gives the function (the stack sets none): stack name, the construct path's logical id
     * with its hash, a 12-character suffix, cut at Lambda's 64 characters.
     */
    static String physicalName(HeraldFunction function) {
        String name = "Herald-dev-Functions" + function.id() + "Function1A2B3C4D-AbCdEfGhIjKl";
        return name.length() <= 64 ? name : name.substring(0, 51) + name.substring(name.length() - 13);
    }

    /** Which function a Herald logger runs in; the shared dispatcher runs in each channel function. */
    static HeraldFunction functionOf(String logger) {
        if (logger.startsWith("dev.herald.enrichment.recipients")) {
            return HeraldFunction.RECIPIENT_EVENTS;
        } else if (logger.startsWith("dev.herald.enrichment")) {
            return HeraldFunction.ENRICHMENT;
        } else if (logger.startsWith("dev.herald.processor.status")) {
            return HeraldFunction.STATUS_EVENTS;
        } else if (logger.startsWith("dev.herald.processor")) {
            return HeraldFunction.PROCESSOR;
        } else if (logger.startsWith("dev.herald.channel.push")) {
            return HeraldFunction.PUSH_CHANNEL;
        } else if (logger.startsWith("dev.herald.channel.email")) {
            return HeraldFunction.EMAIL_CHANNEL;
        }
        // the WebSocket channel and core's ChannelDispatcher: the longest of the channel functions' names
        return HeraldFunction.WEBSOCKET_CHANNEL;
    }

    /**
     * Lambda's own lines for one invocation in the JSON log format the stack sets ({@code loggingFormat: JSON}), at the
     * default system log level (INFO), where Lambda sends only {@code platform.start} and {@code platform.report} (the
     * REPORT, with the X-Ray span of an actively traced function); rendered in the shape Lambda's documentation shows,
     * their bytes.
     */
    static long platformLineBytes(HeraldFunction function) {
        String requestId = UUID.randomUUID().toString();
        String time = "2026-12-05T11:52:07.123Z";
        String start = "{\"time\":\"%s\",\"type\":\"platform.start\",\"record\":{\"requestId\":\"%s\",\"version\":\"12\"}}"
                .formatted(time, requestId);
        String report = ("{\"time\":\"%s\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"%s\",\"metrics\":{\"durationMs\":42.317,"
                + "\"billedDurationMs\":43,\"memorySizeMB\":%d,\"maxMemoryUsedMB\":212},"
                + "\"tracing\":{\"spanId\":\"6a2b9f1c04d5e3b7\",\"type\":\"X-Amzn-Trace-Id\",\"value\":\"%s\"},\"status\":\"success\"}}")
                .formatted(time, requestId, function.memoryMb(), TRACE_HEADER);
        return utf8(start) + utf8(report);
    }

    /**
     * The bytes of one EMF line of {@link EmfNotificationMetrics} (one channel, one outcome) per function, as Powertools
     * Metrics prints it in Lambda: printed by {@link EmfSample} in a child JVM with the variables Lambda sets (the EMF
     * library writes to standard output only when it sees Lambda's environment).
     */
    static Map<HeraldFunction, Long> emfLineBytes(java.util.Collection<HeraldFunction> functions) {
        Map<HeraldFunction, Long> bytes = new java.util.EnumMap<>(HeraldFunction.class);
        // one JVM each: Powertools Metrics keeps one instance per JVM, with the service name it was first built with
        functions.forEach(function -> bytes.put(function, emfLineBytes(function)));
        return bytes;
    }

    private static long emfLineBytes(HeraldFunction function) {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), EmfSample.class.getName(), function.name());
        builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", physicalName(function));
        builder.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "12");
        builder.environment().put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + physicalName(function));
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
        builder.environment().put("POWERTOOLS_SERVICE_NAME", serviceName(function));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process child = builder.start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (child.waitFor() != 0) {
                throw new IllegalStateException("the EMF sample of " + function + " failed: " + output);
            }
            return output.lines().filter(l -> l.startsWith(EmfSample.PREFIX + function.name() + " "))
                    .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("Powertools Metrics printed no EMF line for " + function + ": " + output));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long utf8(String line) {
        return line.getBytes(StandardCharsets.UTF_8).length;
    }

    private final class Appender extends AbstractAppender {
        Appender() {
            super(APPENDER, null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            if (event.getLoggerName().startsWith(LOCAL_ONLY) || !event.getLevel().isMoreSpecificThan(SHIPPED)) {
                return;
            }
            unrendered.add(event.toImmutable());
        }
    }

    /** A Lambda context as the stack's function would get it. */
    private record StackContext(HeraldFunction function) implements Context {
        @Override
        public String getAwsRequestId() {
            return UUID.randomUUID().toString();
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + physicalName(function);
        }

        @Override
        public String getLogStreamName() {
            return "2026/12/05/Herald-dev[12]0123456789abcdef0123456789abcdef";
        }

        @Override
        public String getFunctionName() {
            return physicalName(function);
        }

        @Override
        public String getFunctionVersion() {
            return "12";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:" + physicalName(function) + ":live";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return 30_000;
        }

        @Override
        public int getMemoryLimitInMB() {
            return function.memoryMb();
        }

        @Override
        public LambdaLogger getLogger() {
            return null;
        }
    }
}
