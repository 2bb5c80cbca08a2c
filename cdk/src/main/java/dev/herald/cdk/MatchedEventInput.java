package dev.herald.cdk;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.json.Json;
import software.amazon.awscdk.interfaces.events.IRuleRef;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.RuleTargetInputProperties;

/**
 * The input a catalog rule hands the enrichment Lambda: the MatchedEvent contract {@code {"type": ..., "event": ...}},
 * with {@code "action": "cancel"} for a type's {@code cancelOn} rule.
 * EventBridge's reserved {@code <aws.events.event.json>} inserts the whole original event (detail included) as JSON,
 * which no {@code EventField} path can express; so the template is written here, with no input paths at all.
 */
final class MatchedEventInput extends RuleTargetInput {

    /** EventBridge's placeholder for the complete event, as JSON. */
    static final String WHOLE_EVENT = "<aws.events.event.json>";

    private final String typeId;
    private final String action;

    MatchedEventInput(String typeId) {
        this(typeId, null);
    }

    /** @param action {@link MatchedEvent#CANCEL} for a type's cancel rule, or null */
    MatchedEventInput(String typeId, String action) {
        super();
        this.typeId = typeId;
        this.action = action;
    }

    static String template(String typeId) {
        return template(typeId, null);
    }

    static String template(String typeId, String action) {
        return "{\"type\":" + Json.write(TextNode.valueOf(typeId))
                + (action == null ? "" : ",\"action\":" + Json.write(TextNode.valueOf(action)))
                + ",\"event\":" + WHOLE_EVENT + "}";
    }

    @Override
    public RuleTargetInputProperties bind(IRuleRef rule) {
        return RuleTargetInputProperties.builder().inputTemplate(template(typeId, action)).build();
    }
}
