package dev.herald.cdk;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.herald.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Run in a child JVM with a Lambda jar on the classpath and a function's environment: constructs the handler the way
 * the Lambda runtime does (public no-arg constructor) and, given an event file, invokes it once with that event and a
 * Lambda context. Prints the response after {@link #RESPONSE} and the timings after {@link #TIMINGS}. Exit 0 when it
 * starts (and handles the event), 1 with the reason when it does not.
 */
public final class StartHandler {

    static final String RESPONSE = "herald-test response: ";
    static final String TIMINGS = "herald-test timings: ";

    private StartHandler() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        try {
            Object handler = Class.forName(args[0]).getConstructor().newInstance();
            long constructed = System.nanoTime();
            if (args.length > 1) {
                byte[] response = invoke(handler, Files.readAllBytes(Path.of(args[1])));
                long handled = System.nanoTime();
                // UTF-8 whatever the locale, as the test reads it
                PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
                out.println(RESPONSE + new String(response, StandardCharsets.UTF_8));
                out.println(TIMINGS + "construct " + millis(constructed - start) + " ms, first call " + millis(handled - constructed) + " ms");
            } else {
                System.out.println(TIMINGS + "construct " + millis(constructed - start) + " ms");
            }
            System.out.flush();
            System.exit(0);
        } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            System.out.flush();
            System.err.println(args[0] + " did not " + (args.length > 1 ? "start and handle " + args[1] : "start") + ": " + cause);
            cause.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * As the Lambda runtime calls it: a stream handler gets the bytes; a typed handler gets the event read into its
     * input type (with Herald's mapper here; the runtime has its own serializer for the events library's types).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] invoke(Object handler, byte[] event) throws IOException {
        Context context = new InvocationContext();
        if (handler instanceof RequestStreamHandler stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            stream.handleRequest(new ByteArrayInputStream(event), out, context);
            return out.toByteArray();
        }
        if (handler instanceof RequestHandler typed) {
            Object input = Json.mapper().readValue(event, inputType(handler.getClass()));
            return Json.writeBytes(typed.handleRequest(input, context));
        }
        throw new IllegalArgumentException(handler.getClass().getName() + " is neither a RequestStreamHandler nor a RequestHandler");
    }

    private static Class<?> inputType(Class<?> handlerClass) {
        for (Type type : handlerClass.getGenericInterfaces()) {
            if (type instanceof ParameterizedType p && p.getRawType() == RequestHandler.class && p.getActualTypeArguments()[0] instanceof Class<?> c) {
                return c;
            }
        }
        throw new IllegalArgumentException(handlerClass.getName() + " implements RequestHandler without a concrete input type");
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /** What the Lambda runtime passes: the function's identity from the environment it sets, and a fresh request id. */
    private static final class InvocationContext implements Context {

        private final String requestId = UUID.randomUUID().toString();
        private final long deadline = System.currentTimeMillis() + 60_000;

        @Override
        public String getAwsRequestId() {
            return requestId;
        }

        @Override
        public String getLogGroupName() {
            return System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
        }

        @Override
        public String getLogStreamName() {
            return System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
        }

        @Override
        public String getFunctionName() {
            return System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        }

        @Override
        public String getFunctionVersion() {
            return System.getenv("AWS_LAMBDA_FUNCTION_VERSION");
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:" + System.getenv("AWS_REGION") + ":123456789012:function:" + getFunctionName() + ":live";
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
            return (int) Math.max(0, deadline - System.currentTimeMillis());
        }

        @Override
        public int getMemoryLimitInMB() {
            return Integer.parseInt(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"));
        }

        @Override
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override
                public void log(String message) {
                    System.out.println(message);
                }

                @Override
                public void log(byte[] message) {
                    System.out.println(new String(message, StandardCharsets.UTF_8));
                }
            };
        }
    }
}
