package dev.herald.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnResource;
import software.constructs.IConstruct;

/**
 * cfn-lint findings that are deliberate, kept in the template beside the resource they concern: the rule goes to the
 * {@code Metadata.cfn-lint.config.ignore_checks} cfn-lint reads, its reason to {@code Metadata.cfn-lint.reasons}, so
 * that CI's lint stays at zero findings and every exception says why.
 */
final class CfnLint {

    static final String METADATA = "cfn-lint";

    private CfnLint() {
    }

    /** Lets cfn-lint skip {@code rule} on the construct's CloudFormation resource, for {@code reason}. */
    @SuppressWarnings("unchecked")
    static void ignore(IConstruct construct, String rule, String reason) {
        CfnResource resource = (CfnResource) construct.getNode().getDefaultChild();
        Object existing = resource.getMetadata(METADATA);
        Map<String, Object> lint = existing instanceof Map<?, ?> map ? new LinkedHashMap<>((Map<String, Object>) map) : new LinkedHashMap<>();
        Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) lint.getOrDefault("config", Map.of()));
        List<Object> checks = new ArrayList<>((List<Object>) config.getOrDefault("ignore_checks", List.of()));
        Map<String, Object> reasons = new LinkedHashMap<>((Map<String, Object>) lint.getOrDefault("reasons", Map.of()));
        if (!checks.contains(rule)) {
            checks.add(rule);
        }
        reasons.put(rule, reason);
        config.put("ignore_checks", checks);
        lint.put("config", config);
        lint.put("reasons", reasons);
        resource.addMetadata(METADATA, lint);
    }
}
