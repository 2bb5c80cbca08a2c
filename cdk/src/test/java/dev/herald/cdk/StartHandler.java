package dev.herald.cdk;

/**
 * Run in a child JVM with a Lambda jar on the classpath and a function's environment: constructs the handler the way
 * the Lambda runtime does (public no-arg constructor). Exit 0 when it starts, 1 with the reason when it does not.
 */
public final class StartHandler {

    private StartHandler() {
    }

    public static void main(String[] args) {
        try {
            Class.forName(args[0]).getConstructor().newInstance();
            System.exit(0);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            System.err.println(args[0] + " did not start: " + cause);
            System.exit(1);
        }
    }
}
