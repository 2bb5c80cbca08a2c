package dev.herald.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.channel.email.SesEventHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;

/**
 * What SES reports of Herald's emails, as deployed: bounces, complaints and deliveries in every environment; opens and
 * clicks only with {@code engagementTracking=true}. The configuration set's event destination and the rule that
 * invokes the SES events function always name the same events.
 */
class EmailEngagementStackTest {

    private static final String RULE = "SES events of Herald's configuration set";

    @Test
    void withoutEngagementTracking_sesPublishesBouncesComplaintsAndDeliveries_andTheRuleMatchesExactlyThose() {
        // given: the shared synthesis, which leaves engagementTracking unset
        SynthesizedHerald herald = SynthesizedHerald.get();

        // then
        assertThat(herald.stack.context().engagementTracking()).isFalse();
        assertThat(matchingEventTypes(herald)).containsExactly("bounce", "complaint", "delivery");
        assertThat(detailTypes(herald)).containsExactly("Email Bounced", "Email Complaint Received", "Email Delivered");
    }

    @Test
    void withEngagementTracking_sesPublishesOpensAndClicksToo_andTheRuleMatchesEveryEventTheHandlerActsOn() {
        // given
        SynthesizedHerald tracking = SynthesizedHerald.with(Map.of(HeraldContext.ENGAGEMENT_TRACKING, "true"));

        // then
        assertThat(matchingEventTypes(tracking)).containsExactly("bounce", "complaint", "delivery", "open", "click");
        assertThat(detailTypes(tracking)).containsExactly("Email Bounced", "Email Complaint Received", "Email Delivered", "Email Opened",
                "Email Clicked");
        // one list of what the handler reads, one of what the stack routes to it: they must not drift apart
        assertThat(detailTypes(tracking)).containsExactlyInAnyOrderElementsOf(SesEventHandler.DETAIL_TYPES);
        assertThat(tracking.annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }

    @Test
    void engagementTracking_thatIsNotTrueOrFalse_isRefusedWithTheKey() {
        // given
        Map<String, Object> context = new HashMap<>(SynthesizedHerald.context());
        context.put(HeraldContext.ENGAGEMENT_TRACKING, "yes");

        // when / then
        assertThatThrownBy(() -> HeraldContext.from(new Stack(App.Builder.create().context(context).build(), "S")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("engagementTracking 'yes' must be true or false");
    }

    @SuppressWarnings("unchecked")
    private static List<String> matchingEventTypes(SynthesizedHerald herald) {
        Map<String, Map<String, Object>> destinations = herald.resources("AWS::SES::ConfigurationSetEventDestination");
        assertThat(destinations).hasSize(1);
        Map<String, Object> destination = (Map<String, Object>) SynthesizedHerald.properties(destinations.values().iterator().next())
                .get("EventDestination");
        return (List<String>) destination.get("MatchingEventTypes");
    }

    @SuppressWarnings("unchecked")
    private static List<String> detailTypes(SynthesizedHerald herald) {
        Map<String, Object> rule = herald.resources("AWS::Events::Rule").values().stream().map(SynthesizedHerald::properties)
                .filter(p -> RULE.equals(p.get("Description"))).findFirst()
                .orElseThrow(() -> new AssertionError("no rule described as " + RULE));
        assertThat(rule.get("EventBusName")).isEqualTo("default");
        return (List<String>) ((Map<String, Object>) rule.get("EventPattern")).get("detail-type");
    }
}
