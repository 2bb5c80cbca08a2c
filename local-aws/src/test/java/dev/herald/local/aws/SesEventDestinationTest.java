package dev.herald.local.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.local.http.HttpServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/** The SES stand-in with an event destination to EventBridge, called through the real SesV2Client. */
class SesEventDestinationTest {

    private static final String CONFIGURATION_SET = "herald-local";

    private final List<JsonNode> published = new CopyOnWriteArrayList<>();
    private final Outbox outbox = new Outbox();
    private HttpServer server;
    private SesV2Client ses;

    private SesEventDestination start(boolean engagementTracking) {
        Clock clock = Clock.systemUTC();
        String[] keys = LocalCredentials.newAppKeys();
        LocalCredentials credentials = new LocalCredentials(keys[0], keys[1], clock);
        EventBusIntake bus = (entry, index) -> {
            published.add(entry);
            return EventBusIntake.Result.accepted("event-" + published.size());
        };
        SesEventDestination destination = new SesEventDestination(CONFIGURATION_SET, engagementTracking, bus, clock, Duration.ZERO);
        server = HttpServer.start("127.0.0.1", 0, List.of(new SesApi(outbox, new Faults(), clock, new SigV4(credentials, clock),
                Optional.of(destination))), websockets -> { });
        ses = SesV2Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + server.port())).region(Region.US_EAST_1)
                .credentialsProvider(credentials.functionProvider()).httpClient(UrlConnectionHttpClient.create()).build();
        return destination;
    }

    @AfterEach
    void stop() {
        if (ses != null) {
            ses.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static SendEmailRequest email(String configurationSet) {
        return SendEmailRequest.builder().fromEmailAddress("Herald <notifications@herald.example>")
                .destination(d -> d.toAddresses("camille@example.com")).configurationSetName(configurationSet)
                .emailTags(t -> t.name("herald-notification").value("n-1"), t -> t.name("herald-type").value("booking_2Ecreated"))
                .content(c -> c.simple(m -> m.subject(s -> s.data("Hi"))
                        .body(b -> b.html(h -> h.data("<p><a href=\"https://herald.example/bookings/BK-1\">Your booking</a></p>")))))
                .build();
    }

    @Test
    void sendEmail_withTheConfigurationSet_publishesEmailDelivered_inSesShape_withTheMessageTags() {
        // given
        start(false);

        // when
        String messageId = ses.sendEmail(email(CONFIGURATION_SET)).messageId();

        // then
        assertThat(published).singleElement().satisfies(entry -> {
            assertThat(entry.path("Source").asText()).isEqualTo("aws.ses");
            assertThat(entry.path("DetailType").asText()).isEqualTo("Email Delivered");
            JsonNode detail = Json.parse(entry.path("Detail").asText());
            assertThat(detail.path("eventType").asText()).isEqualTo("Delivery");
            assertThat(detail.path("mail").path("messageId").asText()).isEqualTo(messageId);
            assertThat(detail.path("mail").path("destination")).hasSize(1);
            assertThat(Json.write(detail.path("mail").path("tags"))).isEqualTo("{\"ses:configuration-set\":[\"herald-local\"],"
                    + "\"ses:from-domain\":[\"herald.example\"],\"ses:caller-identity\":[\"herald-local\"],"
                    + "\"herald-notification\":[\"n-1\"],\"herald-type\":[\"booking_2Ecreated\"]}");
            assertThat(detail.path("delivery").path("recipients").get(0).asText()).isEqualTo("camille@example.com");
        });
    }

    @Test
    void sendEmail_withoutAConfigurationSetOrWithAnother_publishesNothing() {
        // given
        start(true);

        // when
        ses.sendEmail(email("someone-else"));
        ses.sendEmail(email(CONFIGURATION_SET).toBuilder().configurationSetName(null).build());

        // then
        assertThat(outbox.emails()).hasSize(2);
        assertThat(published).isEmpty();
    }

    @Test
    void openAndClick_withTrackingOn_publishEmailOpenedAndEmailClicked_withTheSameMail() {
        // given
        SesEventDestination destination = start(true);
        String messageId = ses.sendEmail(email(CONFIGURATION_SET)).messageId();

        // when
        SesEventDestination.Outcome open = destination.open(messageId, "test");
        SesEventDestination.Outcome click = destination.click(messageId, Optional.empty(), "test");

        // then
        assertThat(open.ok()).isTrue();
        assertThat(click.ok()).isTrue();
        assertThat(published).extracting(e -> e.path("DetailType").asText())
                .containsExactly("Email Delivered", "Email Opened", "Email Clicked");
        JsonNode opened = Json.parse(published.get(1).path("Detail").asText());
        JsonNode clicked = Json.parse(published.get(2).path("Detail").asText());
        assertThat(opened.path("eventType").asText()).isEqualTo("Open");
        assertThat(opened.path("open").path("userAgent").asText()).isEqualTo("test");
        assertThat(clicked.path("eventType").asText()).isEqualTo("Click");
        assertThat(clicked.path("click").path("link").asText()).isEqualTo("https://herald.example/bookings/BK-1");
        assertThat(opened.path("mail")).isEqualTo(Json.parse(published.get(0).path("Detail").asText()).path("mail"));
    }

    @Test
    void openAndClick_withTrackingOffOrAnUnknownMessage_areRefusedWithTheReason() {
        // given
        SesEventDestination off = start(false);
        String messageId = ses.sendEmail(email(CONFIGURATION_SET)).messageId();

        // when
        SesEventDestination.Outcome whenOff = off.open(messageId, "test");

        // then
        assertThat(whenOff.refusal()).contains(SesEventDestination.Refusal.TRACKING_OFF);
        assertThat(whenOff.message()).contains("--track-engagement");
        stop();
        SesEventDestination on = start(true);
        assertThat(on.click("local-unknown", Optional.empty(), "test").refusal()).contains(SesEventDestination.Refusal.UNKNOWN_MESSAGE);
        assertThat(published).extracting(e -> e.path("DetailType").asText()).containsOnly("Email Delivered");
    }
}
