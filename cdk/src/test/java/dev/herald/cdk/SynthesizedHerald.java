package dev.herald.cdk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Template;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;

/**
 * One synthesis of the Herald stack, shared by every test in the JVM: a synth takes seconds, so it runs once, with
 * cdk-nag's AwsSolutions pack applied as {@code cdk synth} applies it, and tests read the resulting template.
 * The Lambda jars are the ones the reactor built ({@code mvn verify} packages them before this module's tests);
 * {@code -Dherald.lambdaJarsDir=DIR} points at other copies.
 */
final class SynthesizedHerald {

    static final String SENDER = "notifications@herald.example";
    static final String APNS = "arn:aws:sns:eu-west-1:123456789012:app/APNS/herald-ios";
    static final String APNS_SANDBOX = "arn:aws:sns:eu-west-1:123456789012:app/APNS_SANDBOX/herald-ios-dev";
    static final String GCM = "arn:aws:sns:eu-west-1:123456789012:app/GCM/herald-android";
    static final String ORIGIN = "https://app.herald.example";
    static final String ALARM_EMAIL = "oncall@herald.example";
    /** The original publisher (its key keeps its ids) and one named app with its own limits. */
    static final String PUBLISHERS = "default,billing:50/100";
    static final String MANAGEMENT_SOURCE = "accounts.herald.example";
    /** Not in the shared synth's context, which uses the stack's own unsubscribe endpoint; for {@link #with} tests. */
    static final String UNSUBSCRIBE = "https://mail.herald.example/unsubscribe";

    /**
     * Where the shared synthesis writes its cloud assembly, {@code Herald-test.template.json} included, and so does a
     * synthesis {@link #with} another environment ({@code Herald-<env>.template.json}): CI lints those templates with
     * cfn-lint after the tests, rather than synthesizing again.
     */
    static final Path OUTDIR = Path.of("target", "cdk.out");

    private static SynthesizedHerald instance;

    final HeraldStack stack;
    final Template template;
    final Annotations annotations;

    private SynthesizedHerald(Map<String, Object> context, Optional<Path> outdir) {
        App.Builder builder = App.Builder.create().context(context);
        outdir.ifPresent(dir -> builder.outdir(dir.toString()));
        App app = builder.build();
        Aspects.of(app).add(new AwsSolutionsChecks());
        stack = HeraldApp.create(app, Path.of(".."));
        template = Template.fromStack(stack);
        annotations = Annotations.fromStack(stack);
    }

    static synchronized SynthesizedHerald get() {
        if (instance == null) {
            instance = new SynthesizedHerald(context(), Optional.of(OUTDIR));
        }
        return instance;
    }

    /**
     * A synthesis of its own, with some context keys changed (it takes seconds: only for what the shared one cannot
     * show). An empty value unsets a key.
     */
    static SynthesizedHerald with(Map<String, Object> changes) {
        Map<String, Object> context = context();
        context.putAll(changes);
        // another environment is a stack of its own, whose template CI lints beside the shared one's
        boolean otherEnvironment = changes.containsKey(HeraldContext.ENV_NAME);
        return new SynthesizedHerald(context, otherEnvironment ? Optional.of(OUTDIR) : Optional.empty());
    }

    static Map<String, Object> context() {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put(HeraldContext.ENV_NAME, "test");
        context.put(HeraldContext.SENDER_ADDRESS, SENDER);
        context.put(HeraldContext.JWT_ISSUER, "https://issuer.herald.example");
        context.put(HeraldContext.JWT_AUDIENCE, "herald-web");
        context.put(HeraldContext.JWKS_URL, "https://issuer.herald.example/.well-known/jwks.json");
        context.put(HeraldContext.APNS_ARN, APNS);
        context.put(HeraldContext.APNS_SANDBOX_ARN, APNS_SANDBOX);
        context.put(HeraldContext.GCM_ARN, GCM);
        context.put(HeraldContext.LOG_RETENTION_DAYS, "14");
        context.put(HeraldContext.CORS_ORIGINS, ORIGIN);
        context.put(HeraldContext.ALARM_EMAIL, ALARM_EMAIL);
        context.put(HeraldContext.PUBLISHERS, PUBLISHERS);
        context.put(HeraldContext.MANAGEMENT_SOURCES, MANAGEMENT_SOURCE);
        String jars = System.getProperty("herald.lambdaJarsDir");
        if (jars != null && !jars.isBlank()) {
            context.put(HeraldContext.LAMBDA_JARS_DIR, jars);
        }
        return context;
    }

    // --- reading the template ---

    Map<String, Map<String, Object>> resources(String type) {
        return template.findResources(type);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    /** The function resource whose handler is {@code spec}'s, as [logicalId, properties]. */
    Map.Entry<String, Map<String, Object>> function(HeraldFunction spec) {
        List<Map.Entry<String, Map<String, Object>>> found = new ArrayList<>();
        resources("AWS::Lambda::Function").forEach((id, r) -> {
            if (spec.handler().equals(properties(r).get("Handler"))) {
                found.add(Map.entry(id, properties(r)));
            }
        });
        if (found.size() != 1) {
            throw new AssertionError("expected one function with handler " + spec.handler() + ", found " + found.size());
        }
        return found.getFirst();
    }

    /** The logical id of the role a function runs as. */
    @SuppressWarnings("unchecked")
    String roleOf(HeraldFunction spec) {
        Map<String, Object> role = (Map<String, Object>) function(spec).getValue().get("Role");
        return (String) ((List<Object>) role.get("Fn::GetAtt")).getFirst();
    }

    /** Every policy statement attached to a role, as maps. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> statementsOf(String roleId) {
        List<Map<String, Object>> statements = new ArrayList<>();
        resources("AWS::IAM::Policy").forEach((id, r) -> {
            List<Object> roles = (List<Object>) properties(r).get("Roles");
            if (roles != null && roles.contains(Map.of("Ref", roleId))) {
                Map<String, Object> document = (Map<String, Object>) properties(r).get("PolicyDocument");
                statements.addAll((List<Map<String, Object>>) document.get("Statement"));
            }
        });
        return statements;
    }

    /** Actions of a statement, whether CloudFormation holds one string or a list. */
    @SuppressWarnings("unchecked")
    static List<String> actions(Map<String, Object> statement) {
        Object action = statement.get("Action");
        return action instanceof List<?> list ? (List<String>) list : List.of((String) action);
    }

    @SuppressWarnings("unchecked")
    static List<Object> resourcesOf(Map<String, Object> statement) {
        Object resource = statement.get("Resource");
        return resource instanceof List<?> list ? (List<Object>) list : List.of(resource);
    }

    /** The logical id of a construct's CloudFormation resource. */
    String logicalId(software.constructs.IConstruct construct) {
        return stack.getLogicalId((software.amazon.awscdk.CfnElement) construct.getNode().getDefaultChild());
    }

    /** The logical id of the table built from a definition (its key schema is unique among Herald's tables). */
    String tableId(dev.herald.store.TableDefinition definition) {
        return stack.getLogicalId((software.amazon.awscdk.CfnElement) stack.storage().table(definition).getNode().getDefaultChild());
    }
}
