package dev.herald.cdk;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.catalog.Catalog;
import dev.herald.catalog.NotificationType;
import dev.herald.config.HeraldEnv;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.json.Json;
import dev.herald.recipient.ManagementEvents;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.ses.EmailSendingEvent;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * The {@code herald-<envName>} bus and its rules: one per catalog type, with the pattern the catalog itself renders
 * ({@link NotificationType#rulePattern()}, the same code the local bus runs), so cloud and local routing cannot drift
 * apart; plus one rule for the recipient management events and one for the device management events
 * ({@link ManagementEvents}; {@code Recipient Deleted} matches both). Every target has a retry policy and its own SQS dead-letter queue.
 */
public final class HeraldEvents extends Construct {

    /**
     * Each environment's bus carries its name, so that environments deploy side by side in one account and region.
     * The publisher library's default bus is {@code herald}: point it at this name with {@code busName(...)}.
     */
    public static String busName(String envName) {
        return "herald-" + envName;
    }

    /**
     * EventBridge retries a target it could not invoke (throttling, a missing permission) for up to a day, so a
     * regional hiccup loses nothing; only then does the event go to the rule's DLQ. Lambda's own retries of a
     * failing handler come after the hand-off and are configured on the function.
     */
    static final Duration TARGET_MAX_EVENT_AGE = Duration.hours(24);
    static final int TARGET_RETRY_ATTEMPTS = 185;

    /**
     * What Herald's configuration set publishes, each with the {@code detail-type} SES gives it on the account's
     * default bus: bounces, complaints and deliveries always; opens and clicks only with {@code engagementTracking},
     * since tracking them adds a pixel and rewrites every link of every email.
     */
    static Map<EmailSendingEvent, String> sesEvents(boolean engagementTracking) {
        Map<EmailSendingEvent, String> events = new LinkedHashMap<>();
        events.put(EmailSendingEvent.BOUNCE, "Email Bounced");
        events.put(EmailSendingEvent.COMPLAINT, "Email Complaint Received");
        events.put(EmailSendingEvent.DELIVERY, "Email Delivered");
        if (engagementTracking) {
            events.put(EmailSendingEvent.OPEN, "Email Opened");
            events.put(EmailSendingEvent.CLICK, "Email Clicked");
        }
        return events;
    }

    private final boolean engagementTracking;

    private final EventBus bus;
    private final Map<String, Rule> catalogRules = new LinkedHashMap<>();
    private final Map<String, Queue> deadLetterQueues = new LinkedHashMap<>();
    private final List<Rule> managementRules;

    public HeraldEvents(Construct scope, String id, HeraldContext context, Catalog catalog, HeraldFunctions functions,
                        FunctionEnvironment environment) {
        super(scope, id);
        engagementTracking = context.engagementTracking();
        bus = EventBus.Builder.create(this, "Bus").eventBusName(busName(context.envName()))
                .description("Herald (" + context.envName() + "): domain events in, status events out").build();
        environment.put(HeraldEnv.EVENT_BUS, bus.getEventBusName());

        for (NotificationType type : catalog.types()) {
            Construct typeScope = new Construct(this, "Type-" + type.id());
            Rule rule = rule(typeScope, bus, "Herald notification type " + type.id(), type.rulePattern());
            target(typeScope, rule, functions.alias(HeraldFunction.ENRICHMENT), new MatchedEventInput(type.id()), "type " + type.id());
            catalogRules.put(type.id(), rule);
            // the events that withdraw what the type holds back (cancelOn) go to enrichment as cancels of the type
            type.cancelPattern().ifPresent(pattern -> {
                Construct cancelScope = new Construct(typeScope, "Cancel");
                Rule cancel = rule(cancelScope, bus, "Herald cancels of notification type " + type.id(), pattern);
                target(cancelScope, cancel, functions.alias(HeraldFunction.ENRICHMENT), new MatchedEventInput(type.id(), MatchedEvent.CANCEL),
                        "cancels of type " + type.id());
            });
        }

        // Management events rewrite profiles, preferences, topics and devices, so only the sources the context lists
        // may send them; without any, both rules stay disabled.
        List<String> sources = context.managementSources();
        if (sources.isEmpty()) {
            Annotations.of(this).addWarningV2("herald:managementSourcesUnset", HeraldContext.MANAGEMENT_SOURCES + " is not set: the "
                    + "recipient and device management rules are disabled, so no profile, topic or device can be managed. List the "
                    + "sources that may, e.g. -c " + HeraldContext.MANAGEMENT_SOURCES + "=accounts.example");
        }
        Construct recipients = new Construct(this, "RecipientEvents");
        Rule recipientRule = rule(recipients, bus, "Herald recipient management events",
                managementPattern(ManagementEvents.RECIPIENT_EVENTS, sources));
        target(recipients, recipientRule, functions.alias(HeraldFunction.RECIPIENT_EVENTS), null, "recipient events");

        // Devices have their own function: registering one calls SNS, which the recipients function cannot. Recipient
        // Deleted matches both rules: this function deletes the devices and their endpoints, that one the rest.
        Construct devices = new Construct(this, "DeviceEvents");
        Rule deviceRule = rule(devices, bus, "Herald device management events", managementPattern(ManagementEvents.DEVICE_EVENTS, sources));
        managementRules = List.of(recipientRule, deviceRule);
        if (sources.isEmpty()) {
            managementRules.forEach(r -> ((CfnRule) r.getNode().getDefaultChild()).setState("DISABLED"));
        }
        target(devices, deviceRule, functions.alias(HeraldFunction.DEVICE_EVENTS), null, "device events");
        bus.grantPutEventsTo(functions.role(HeraldFunction.STATUS_EVENTS));
    }

    /**
     * {@link ManagementEvents#rulePattern}, narrowed to the allowed sources: exactly those (Herald's own source is
     * never among them), or, when there are none, the pattern of the disabled rule.
     */
    static String managementPattern(List<String> detailTypes, List<String> sources) {
        if (sources.isEmpty()) {
            return ManagementEvents.rulePattern(detailTypes);
        }
        ObjectNode pattern = Json.read(ManagementEvents.rulePattern(detailTypes), ObjectNode.class);
        ArrayNode allowed = pattern.putArray("source");
        sources.forEach(allowed::add);
        return Json.write(pattern);
    }

    /**
     * SES's events for Herald's configuration set ({@link #sesEvents}). SES publishes to the default bus only, so this
     * rule lives there.
     */
    public void routeSesEvents(String configurationSetName, HeraldFunctions functions) {
        Construct ses = new Construct(this, "SesEvents");
        IEventBus defaultBus = EventBus.fromEventBusName(ses, "DefaultBus", "default");
        Rule rule = Rule.Builder.create(ses, "Rule")
                .eventBus(defaultBus)
                .description("SES events of Herald's configuration set")
                .eventPattern(EventPattern.builder()
                        .source(List.of("aws.ses"))
                        .detailType(List.copyOf(sesEvents(engagementTracking).values()))
                        // Only Herald's mail: other senders in the account may share the default bus.
                        .detail(Map.of("mail", Map.of("tags", Map.of("ses:configuration-set", List.of(configurationSetName)))))
                        .build())
                .build();
        target(ses, rule, functions.alias(HeraldFunction.SES_EVENTS), null, "SES events");
    }

    /**
     * A rule whose pattern is exactly {@code patternJson}. The L2 Rule types each pattern field, and catalog
     * patterns are free-form JSON with content filters ({@code anything-but}, {@code prefix}, ...), so the
     * rendered pattern is replaced verbatim by the catalog's.
     */
    private static Rule rule(Construct scope, IEventBus bus, String description, String patternJson) {
        Rule rule = Rule.Builder.create(scope, "Rule")
                .eventBus(bus)
                .description(description)
                .eventPattern(EventPattern.builder().source(List.of("replaced-by-the-catalog-pattern")).build())
                .build();
        ((CfnRule) rule.getNode().getDefaultChild()).addPropertyOverride("EventPattern", Json.read(patternJson, Map.class));
        return rule;
    }

    private void target(Construct scope, Rule rule, IFunction function, RuleTargetInput input, String what) {
        Queue dlq = HeraldQueues.deadLetterQueue(scope, "TargetDeadLetters");
        deadLetterQueues.put(what, dlq);
        rule.addTarget(LambdaFunction.Builder.create(function)
                .event(input)
                .retryAttempts(TARGET_RETRY_ATTEMPTS)
                .maxEventAge(TARGET_MAX_EVENT_AGE)
                .deadLetterQueue(dlq)
                .build());
    }

    public EventBus bus() {
        return bus;
    }

    /** Type id to its rule. */
    public Map<String, Rule> catalogRules() {
        return Map.copyOf(catalogRules);
    }

    /** The recipient and device management rules. */
    public List<Rule> managementRules() {
        return managementRules;
    }

    /** Every rule target's dead-letter queue, by what it carries. */
    public Map<String, Queue> deadLetterQueues() {
        return Map.copyOf(deadLetterQueues);
    }
}
