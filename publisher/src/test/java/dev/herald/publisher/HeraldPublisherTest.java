package dev.herald.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.catalog.Catalog;
import dev.herald.catalog.CatalogLoader;
import dev.herald.json.Json;
import dev.herald.testing.PutEventsRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** The publisher against a local PutEvents endpoint, through the real EventBridge client. */
class HeraldPublisherTest {

    private static final Catalog CATALOG = CatalogLoader.load(Path.of("../templates/catalog.yaml"));

    private PutEventsRecorder bus;
    private EventBridgeClient eventBridge;
    /** How many more times each bookingId is refused before it is accepted. */
    private final Map<String, Integer> failuresLeft = new HashMap<>();
    private final List<Duration> sleeps = new ArrayList<>();

    @BeforeEach
    void start() {
        bus = new PutEventsRecorder();
        bus.refuse(entry -> {
            String bookingId = Json.parse(entry.path("Detail").asText()).path("bookingId").asText();
            synchronized (failuresLeft) {
                int left = failuresLeft.getOrDefault(bookingId, 0);
                failuresLeft.put(bookingId, Math.max(0, left - 1));
                return left > 0;
            }
        });
        eventBridge = EventBridgeClient.builder()
                .endpointOverride(bus.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Every PutEvents call, as the list of bookingIds it carried. */
    private List<List<String>> calls() {
        return bus.calls().stream().map(call -> call.stream()
                .map(e -> Json.parse(e.path("Detail").asText()).path("bookingId").asText()).toList()).toList();
    }

    @AfterEach
    void stop() {
        eventBridge.close();
        bus.close();
    }

    private HeraldPublisher publisher(int maxAttempts) {
        return HeraldPublisher.builder(eventBridge).source("demo.app").catalog(CATALOG).maxAttempts(maxAttempts)
                .sleeper(sleeps::add).build();
    }

    private static Notification booking(int n) {
        return Notification.of("booking.created", Map.of("userId", "u" + n, "bookingId", "b" + n));
    }

    @Test
    void withIdempotencyKey_putsTheKeyWhereTheCatalogReadsIt() {
        // when
        publisher(1).publish(List.of(booking(1).withIdempotencyKey("booking-b1")));

        // then: the catalog's default idempotency path reads what was sent
        var detail = Json.parse(bus.calls().getFirst().getFirst().path("Detail").asText());
        assertThat(detail.path(Notification.IDEMPOTENCY_KEY_FIELD).asText()).isEqualTo("booking-b1");
        assertThat(CATALOG.require("booking.created").timing().idempotencyKey().of(Json.parse("{\"detail\":" + detail + "}")))
                .contains("booking-b1");
    }

    @Test
    void withIdempotencyKey_blank_isRefused() {
        assertThatThrownBy(() -> booking(1).withIdempotencyKey(" ")).hasMessageContaining("must not be blank");
    }

    @Test
    void publish_25Notifications_sendsBatchesOfTen() {
        // when
        PublishResult result = publisher(3).publish(IntStream.range(0, 25).mapToObj(HeraldPublisherTest::booking).toList());

        // then
        assertThat(result.allPublished()).isTrue();
        assertThat(result.eventIds()).hasSize(25).doesNotContainNull();
        assertThat(calls()).extracting(List::size).containsExactly(10, 10, 5);
    }

    @Test
    void publish_partialFailure_retriesOnlyTheFailedEntries() {
        // given
        failuresLeft.put("b3", 1);
        failuresLeft.put("b7", 2);

        // when
        PublishResult result = publisher(4).publish(IntStream.range(0, 10).mapToObj(HeraldPublisherTest::booking).toList());

        // then
        assertThat(result.allPublished()).isTrue();
        assertThat(calls()).containsExactly(
                IntStream.range(0, 10).mapToObj(i -> "b" + i).toList(),
                List.of("b3", "b7"),
                List.of("b7"));
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void publish_entryFailingEveryAttempt_isReportedWithTheError() {
        // given
        failuresLeft.put("b1", 99);

        // when
        PublishResult result = publisher(3).publish(List.of(booking(0), booking(1)));

        // then
        assertThat(result.eventIds().get(0)).isNotNull();
        assertThat(result.eventIds().get(1)).isNull();
        assertThat(result.failed()).singleElement().satisfies(f -> {
            assertThat(f.notification().detail().path("bookingId").asText()).isEqualTo("b1");
            assertThat(f.errorCode()).isEqualTo("InternalFailure");
        });
        assertThat(calls()).hasSize(3);
    }

    @Test
    void publish_single_throwsWhenItFailsForGood() {
        // given
        failuresLeft.put("b1", 99);

        // then
        assertThatThrownBy(() -> publisher(2).publish("booking.created", Map.of("userId", "u1", "bookingId", "b1")))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("InternalFailure");
    }

    @Test
    void publish_missingRecipientField_isRefusedBeforeSending() {
        assertThatThrownBy(() -> publisher(1).publish("booking.created", Map.of("bookingId", "b1")))
                .isInstanceOf(InvalidNotificationException.class)
                .hasMessage("booking.created: detail.userId is missing; booking.created sends to the userId found there");
        assertThat(calls()).isEmpty();
    }

    @Test
    void publish_unknownType_namesTheCatalogTypes() {
        assertThatThrownBy(() -> publisher(1).publish("booking.cancelled", Map.of("userId", "u1")))
                .hasMessageContaining("unknown notification type 'booking.cancelled'")
                .hasMessageContaining("booking.created");
    }

    @Test
    void publish_oversizedEvent_isRefusedWithAHint() {
        assertThatThrownBy(() -> publisher(1).publish("booking.created", Map.of("userId", "u1", "blob", "x".repeat(300_000))))
                .hasMessageContaining("EventBridge accepts at most");
    }

    @Test
    void backoff_staysWithinTheExponentialCeiling() {
        // given
        HeraldPublisher publisher = HeraldPublisher.builder(eventBridge).source("demo.app")
                .backoff(Duration.ofMillis(100), Duration.ofMillis(1000)).build();

        // then
        for (int i = 0; i < 50; i++) {
            assertThat(publisher.backoff(1)).isLessThanOrEqualTo(Duration.ofMillis(100));
            assertThat(publisher.backoff(3)).isLessThanOrEqualTo(Duration.ofMillis(400));
            assertThat(publisher.backoff(10)).isLessThanOrEqualTo(Duration.ofMillis(1000));
        }
    }

    @Test
    void builder_heraldSource_isReserved() {
        assertThatThrownBy(() -> HeraldPublisher.builder(eventBridge).source("herald").build())
                .hasMessageContaining("reserved");
    }
}
