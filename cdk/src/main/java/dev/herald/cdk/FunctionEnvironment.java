package dev.herald.cdk;

import dev.herald.config.HeraldEnv;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The single place environment variables are set. Constructs {@link #put} the values they create (table names,
 * URLs, ARNs); {@link #variables} then gives each function exactly the variables its {@link HeraldFunction} lists,
 * named by {@link HeraldEnv}, so a handler and the stack can never disagree on a name.
 */
public final class FunctionEnvironment {

    private final Map<HeraldEnv, String> values = new EnumMap<>(HeraldEnv.class);
    private final Map<HeraldFunction, Map<HeraldEnv, String>> perFunction = new EnumMap<>(HeraldFunction.class);

    public FunctionEnvironment put(HeraldEnv env, String value) {
        String previous = values.putIfAbsent(env, value);
        if (previous != null) {
            throw new IllegalStateException(env.variable() + " is set twice; one construct owns each value");
        }
        return this;
    }

    /** A value for one function only, e.g. a channel's own send rate. */
    public FunctionEnvironment put(HeraldFunction function, HeraldEnv env, String value) {
        String previous = perFunction.computeIfAbsent(function, f -> new EnumMap<>(HeraldEnv.class)).putIfAbsent(env, value);
        if (previous != null || values.containsKey(env)) {
            throw new IllegalStateException(env.variable() + " is set twice for " + function.id() + "; one construct owns each value");
        }
        return this;
    }

    /**
     * The variables for one function: every required one (or an error naming what is missing) and every optional
     * one the stack has a value for.
     */
    public Map<String, String> variables(HeraldFunction function) {
        Map<String, String> variables = new TreeMap<>();
        Map<HeraldEnv, String> own = perFunction.getOrDefault(function, Map.of());
        for (HeraldEnv env : function.required()) {
            String value = own.getOrDefault(env, values.get(env));
            if (value == null) {
                throw new IllegalStateException(function.handlerClass() + " needs " + env.variable() + " (" + env.meaning()
                        + ") but no construct provides it");
            }
            variables.put(env.variable(), value);
        }
        for (HeraldEnv env : function.optional()) {
            String value = own.getOrDefault(env, values.get(env));
            if (value != null) {
                variables.put(env.variable(), value);
            }
        }
        return variables;
    }
}
