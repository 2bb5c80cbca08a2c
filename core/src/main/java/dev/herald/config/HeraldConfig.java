package dev.herald.config;

import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Herald's configuration, read once from the environment (in Lambda) or given as a map (tests, herald local). */
public final class HeraldConfig {

    private final Map<HeraldEnv, String> values;

    private HeraldConfig(Map<HeraldEnv, String> values) {
        this.values = Map.copyOf(values);
    }

    public static HeraldConfig fromEnvironment() {
        return fromVariables(System.getenv());
    }

    /** Reads the Herald variables out of a map keyed by variable name, ignoring everything else in it. */
    public static HeraldConfig fromVariables(Map<String, String> variables) {
        Map<HeraldEnv, String> values = new EnumMap<>(HeraldEnv.class);
        for (HeraldEnv env : HeraldEnv.values()) {
            String value = variables.get(env.variable());
            if (value != null && !value.isBlank()) {
                values.put(env, value.strip());
            }
        }
        return new HeraldConfig(values);
    }

    public static HeraldConfig of(Map<HeraldEnv, String> values) {
        return new HeraldConfig(values.isEmpty() ? Map.of() : new EnumMap<>(values));
    }

    public Optional<String> find(HeraldEnv env) {
        return Optional.ofNullable(values.get(env));
    }

    /** The value, or an error that names the variable and what it should hold. */
    public String require(HeraldEnv env) {
        String value = values.get(env);
        if (value == null) {
            throw new IllegalStateException(env.variable() + " is not set; it must hold the " + env.meaning());
        }
        return value;
    }

    public Optional<URI> awsEndpoint() {
        return find(HeraldEnv.AWS_ENDPOINT).map(URI::create);
    }

    public int deliveryRetentionDays() {
        return find(HeraldEnv.DELIVERY_RETENTION_DAYS).map(Integer::parseInt).orElse(30);
    }

    /** A copy with one more value, for tests and the local runtime. */
    public HeraldConfig with(HeraldEnv env, String value) {
        Map<HeraldEnv, String> copy = new EnumMap<>(HeraldEnv.class);
        copy.putAll(values);
        copy.put(env, value);
        return new HeraldConfig(copy);
    }

    /** Every value as environment variables, as the CDK stack and the local runtime pass them on. */
    public Map<String, String> asVariables() {
        Map<String, String> variables = new java.util.TreeMap<>();
        values.forEach((env, value) -> variables.put(env.variable(), value));
        return variables;
    }
}
