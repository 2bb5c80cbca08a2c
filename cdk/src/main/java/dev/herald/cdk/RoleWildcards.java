package dev.herald.cdk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.Role;
import software.constructs.IConstruct;

/**
 * The wildcard resources of a role's policy, written as cdk-nag writes them in an {@code appliesTo}
 * ({@code <Logical.Arn>/index/*}, {@code arn:<AWS::Partition>:...}), so that each suppression names exactly what the
 * role holds, and nothing it does not.
 */
final class RoleWildcards {

    private RoleWildcards() {
    }

    /** Each resource with a {@code *} in the role's default policy: the resolved value to its rendering, in order. */
    static Map<String, String> of(Stack stack, Role role) {
        Map<String, String> wildcards = new LinkedHashMap<>();
        IConstruct child = role.getNode().tryFindChild("DefaultPolicy");
        if (!(child instanceof Policy policy)) {
            return wildcards;
        }
        Object document = stack.resolve(policy.getDocument());
        if (!(document instanceof Map<?, ?> map) || !(map.get("Statement") instanceof List<?> statements)) {
            return wildcards;
        }
        for (Object statement : statements) {
            Object resource = ((Map<?, ?>) statement).get("Resource");
            for (Object one : resource instanceof List<?> list ? list : List.of(resource)) {
                String rendered = render(one);
                if (rendered.contains("*")) {
                    wildcards.putIfAbsent(String.valueOf(one), rendered);
                }
            }
        }
        return wildcards;
    }

    /** cdk-nag's string form of a resolved value: {@code Ref} as {@code <Id>}, {@code Fn::GetAtt} as {@code <Id.Attr>}, joins concatenated. */
    static String render(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Map<?, ?> map) {
            if (map.get("Ref") instanceof String ref) {
                return "<" + ref + ">";
            }
            if (map.get("Fn::GetAtt") instanceof List<?> getAtt) {
                return "<" + getAtt.get(0) + "." + getAtt.get(1) + ">";
            }
            if (map.get("Fn::Join") instanceof List<?> join && join.size() == 2 && join.get(1) instanceof List<?> parts) {
                StringBuilder joined = new StringBuilder();
                for (int i = 0; i < parts.size(); i++) {
                    joined.append(i == 0 ? "" : join.get(0)).append(render(parts.get(i)));
                }
                return joined.toString();
            }
        }
        return String.valueOf(value);
    }
}
