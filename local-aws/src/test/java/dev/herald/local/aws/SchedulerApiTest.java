package dev.herald.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.herald.testing.LocalDynamo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindow;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.scheduler.model.ThrottlingException;
import software.amazon.awssdk.services.scheduler.model.ValidationException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * herald local's EventBridge Scheduler through the real SDK: one-time schedules created as Herald creates them, fired
 * by {@link LocalSchedules#runDue} into the SQS queue their target names, refused as AWS refuses them.
 */
class SchedulerApiTest {

    private static final String ROLE = "arn:aws:iam::000000000000:role/herald-scheduler";
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    @AutoClose
    private final LocalAws aws = LocalAws.start();
    private final SchedulerClient scheduler = aws.client(SchedulerClient.builder());
    private final SqsClient sqs = aws.client(SqsClient.builder());
    private final LocalQueues.Queue due = aws.queues().create("herald-due", new LocalQueues.Settings(Duration.ofSeconds(30), 3));
    private final Instant in10Minutes = Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);

    @Test
    void createSchedule_thenRunDueAtItsTime_sendsTheInputToTheQueue_andDeletesTheSchedule() {
        // given
        String arn = create("wake-1", in10Minutes, "{\"deliveryId\":\"d-1\"}", r -> { });

        // when
        int sent = aws.schedules().runDue(in10Minutes);

        // then
        assertThat(arn).isEqualTo("arn:aws:scheduler:us-east-1:000000000000:schedule/default/wake-1");
        assertThat(sent).isEqualTo(1);
        assertThat(receive(due.url())).extracting(Message::body).containsExactly("{\"deliveryId\":\"d-1\"}");
        assertThatThrownBy(() -> scheduler.getSchedule(r -> r.name("wake-1")))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("Schedule wake-1 does not exist.");
    }

    @Test
    void runDue_beforeTheScheduleTime_sendsNothing_andKeepsIt() {
        // given
        create("wake-2", in10Minutes, "later", r -> { });

        // when
        int sent = aws.schedules().runDue(in10Minutes.minusSeconds(1));

        // then
        assertThat(sent).isZero();
        assertThat(aws.queues().depth("herald-due").total()).isZero();
        assertThat(aws.schedules().list()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("wake-2");
            assertThat(s.dueAt()).isEqualTo(in10Minutes);
        });
    }

    @Test
    void anAtTimeInATimezone_isDueAtThatZonesInstant() {
        // given: 12:00 in New York is 17:00 UTC in January
        scheduler.createSchedule(r -> herald(r, "ny", "at(2030-01-15T12:00:00)", "x").scheduleExpressionTimezone("America/New_York"));

        // when
        int early = aws.schedules().runDue(Instant.parse("2030-01-15T16:59:59Z"));
        int onTime = aws.schedules().runDue(Instant.parse("2030-01-15T17:00:00Z"));

        // then
        assertThat(early).isZero();
        assertThat(onTime).isEqualTo(1);
    }

    @Test
    void getSchedule_returnsWhatWasCreated_withAwsDefaults() {
        // given
        create("wake-3", in10Minutes, "body", r -> r.target(t -> t.arn(due.arn()).roleArn(ROLE).input("body")
                .deadLetterConfig(d -> d.arn(due.dlqArn()))));

        // when
        GetScheduleResponse got = scheduler.getSchedule(r -> r.name("wake-3"));

        // then
        assertThat(got.scheduleExpression()).isEqualTo("at(" + AT.format(LocalDateTime.ofInstant(in10Minutes, ZoneOffset.UTC)) + ")");
        assertThat(got.scheduleExpressionTimezone()).isEqualTo("UTC");
        assertThat(got.groupName()).isEqualTo("default");
        assertThat(got.stateAsString()).isEqualTo("ENABLED");
        assertThat(got.actionAfterCompletion()).isEqualTo(ActionAfterCompletion.DELETE);
        assertThat(got.flexibleTimeWindow().mode()).isEqualTo(FlexibleTimeWindowMode.OFF);
        assertThat(got.target().arn()).isEqualTo(due.arn());
        assertThat(got.target().input()).isEqualTo("body");
        assertThat(got.target().retryPolicy().maximumRetryAttempts()).isEqualTo(185);
        assertThat(got.target().retryPolicy().maximumEventAgeInSeconds()).isEqualTo(86_400);
        assertThat(got.target().deadLetterConfig().arn()).isEqualTo(due.dlqArn());
        assertThat(got.creationDate()).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
    }

    @Test
    void deleteSchedule_removesIt_andASecondDeleteIsNotFound() {
        // given
        create("wake-4", in10Minutes, "x", r -> { });

        // when
        scheduler.deleteSchedule(r -> r.name("wake-4"));

        // then
        assertThat(aws.schedules().list()).isEmpty();
        assertThat(aws.schedules().runDue(in10Minutes)).isZero();
        assertThatThrownBy(() -> scheduler.deleteSchedule(r -> r.name("wake-4"))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void createSchedule_withANameInUse_isAConflict() {
        // given
        create("wake-5", in10Minutes, "first", r -> { });

        // when / then
        assertThatThrownBy(() -> create("wake-5", in10Minutes, "second", r -> { }))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.statusCode()).isEqualTo(409))
                .hasMessageContaining("Schedule wake-5 already exists.");
        assertThat(scheduler.getSchedule(r -> r.name("wake-5")).target().input()).isEqualTo("first");
    }

    @Test
    void listSchedules_filtersByPrefix_andPagesWithNextToken() {
        // given
        for (String name : List.of("a-1", "a-2", "a-3", "b-1")) {
            create(name, in10Minutes, "x", r -> { });
        }

        // when
        var first = scheduler.listSchedules(r -> r.namePrefix("a-").maxResults(2));
        var second = scheduler.listSchedules(r -> r.namePrefix("a-").maxResults(2).nextToken(first.nextToken()));

        // then
        assertThat(first.schedules()).extracting(ScheduleSummary::name).containsExactly("a-1", "a-2");
        assertThat(second.schedules()).extracting(ScheduleSummary::name).containsExactly("a-3");
        assertThat(second.nextToken()).isNull();
        assertThat(first.schedules().getFirst().target().arn()).isEqualTo(due.arn());
    }

    @Test
    void createSchedule_withAnInvalidName_isAValidationError() {
        assertValidation(r -> r.name("x".repeat(65)), "Member must have length less than or equal to 64");
        assertValidation(r -> r.name("has space"), "Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$");
    }

    @Test
    void createSchedule_withoutATargetArnOrRole_orWithABadRole_isAValidationError() {
        assertValidation(r -> r.target(t -> t.roleArn(ROLE).input("x")), "Value null at 'target.arn' failed to satisfy constraint");
        assertValidation(r -> r.target(t -> t.arn(due.arn()).input("x")), "Value null at 'target.roleArn' failed to satisfy constraint");
        assertValidation(r -> r.target(t -> t.arn(due.arn()).roleArn("herald").input("x")), "at 'target.roleArn' failed to satisfy");
    }

    @Test
    void createSchedule_withATargetThatIsNotAnSqsQueue_isRefusedByName() {
        assertValidation(r -> r.target(t -> t.arn("arn:aws:lambda:us-east-1:000000000000:function:f").roleArn(ROLE).input("x")),
                "SQS queues only");
    }

    @Test
    void createSchedule_withoutAFlexibleTimeWindow_orAFlexibleOneWithoutItsWindow_isAValidationError() {
        assertValidation(r -> r.flexibleTimeWindow((FlexibleTimeWindow) null),
                "Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null");
        assertValidation(r -> r.flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.FLEXIBLE)), "MaximumWindowInMinutes is required");
    }

    @Test
    void createSchedule_withAnInputOver256KB_isAValidationError_andOneOfExactly256KBIsTaken() {
        assertValidation(r -> r.target(t -> t.arn(due.arn()).roleArn(ROLE).input("x".repeat(SchedulerApi.MAX_INPUT_BYTES + 1))),
                "at 'target.input' failed to satisfy constraint: Member must have length less than or equal to 262144");
        scheduler.createSchedule(r -> herald(r, "big", at(in10Minutes), "x".repeat(SchedulerApi.MAX_INPUT_BYTES)));
    }

    @Test
    void createSchedule_withARetryPolicyOutOfRange_orADeadLetterQueueThatIsNotSqs_isAValidationError() {
        assertValidation(r -> r.target(t -> t.arn(due.arn()).roleArn(ROLE).input("x").retryPolicy(p -> p.maximumRetryAttempts(186))),
                "Member must have value less than or equal to 185");
        assertValidation(r -> r.target(t -> t.arn(due.arn()).roleArn(ROLE).input("x").retryPolicy(p -> p.maximumEventAgeInSeconds(59))),
                "Member must have value greater than or equal to 60");
        assertValidation(r -> r.target(t -> t.arn(due.arn()).roleArn(ROLE).input("x")
                .deadLetterConfig(d -> d.arn("arn:aws:sns:us-east-1:000000000000:topic"))), "at 'target.deadLetterConfig.arn'");
    }

    @Test
    void createSchedule_withARateOrCronExpression_isRefused_sayingOnlyAtSchedulesRunHere() {
        assertValidation(r -> r.scheduleExpression("rate(5 minutes)"), "herald local runs one-time at() schedules only");
        assertValidation(r -> r.scheduleExpression("cron(0 12 * * ? *)"), "herald local runs one-time at() schedules only");
    }

    @Test
    void createSchedule_withAMalformedAtOrAnImpossibleDate_orAnUnknownTimezone_isAValidationError() {
        assertValidation(r -> r.scheduleExpression("at(2030-01-15 12:00:00)"), "Invalid Schedule Expression");
        assertValidation(r -> r.scheduleExpression("at(2030-02-30T12:00:00)"), "Invalid Schedule Expression");
        assertValidation(r -> r.scheduleExpressionTimezone("Mars/Olympus_Mons"), "Invalid ScheduleExpressionTimezone");
    }

    @Test
    void createSchedule_inAGroupThatDoesNotExist_isNotFound() {
        assertThatThrownBy(() -> scheduler.createSchedule(r -> herald(r, "g", at(in10Minutes), "x").groupName("herald")))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("Schedule group herald does not exist.");
    }

    @Test
    void anAtTimeInThePast_isAccepted_andFiresOnTheNextRun() {
        // given
        create("late", Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS), "late", r -> { });

        // when
        int sent = aws.schedules().runDue(Instant.now());

        // then
        assertThat(sent).isEqualTo(1);
        assertThat(receive(due.url())).extracting(Message::body).containsExactly("late");
    }

    @Test
    void theStartedRunner_firesADueScheduleOnItsOwn() throws Exception {
        // given
        create("ticked", Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS), "tick", r -> { });

        // when
        aws.schedules().start(Clock.systemUTC(), Duration.ofMillis(50));

        // then
        List<Message> got = sqs.receiveMessage(r -> r.queueUrl(due.url()).waitTimeSeconds(5)).messages();
        assertThat(got).extracting(Message::body).containsExactly("tick");
    }

    @Test
    void anUnsignedRequest_isRefused_andCreatesNothing() throws Exception {
        // given
        HttpRequest unsigned = HttpRequest.newBuilder(URI.create(aws.uri() + "/schedules/sneaky"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"ScheduleExpression\":\"at(2030-01-01T00:00:00)\"}")).build();

        // when
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response = http.send(unsigned, HttpResponse.BodyHandlers.ofString());
        }

        // then
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).contains("MissingAuthenticationTokenException");
        assertThat(aws.schedules().list()).isEmpty();
    }

    @Test
    void aFaultForTheScheduler_answersAsAwsThrottles() {
        // given
        aws.faults().addMatching("scheduler", "throttle", "blocked");

        // when / then
        assertThatThrownBy(() -> create("blocked", in10Minutes, "x", r -> { })).isInstanceOf(ThrottlingException.class);
    }

    @Test
    void sendsThatKeepFailing_areRetriedPerTheRetryPolicy_thenTheInputGoesToTheDeadLetterQueue() {
        // given: a target queue that does not exist, two retries, the due queue's DLQ as the dead-letter queue
        LocalSchedules schedules = new LocalSchedules(aws.queues()::send, aws.schedules().store(), Duration.ZERO);
        create("doomed", in10Minutes, "{\"deliveryId\":\"d-9\"}", r -> r.target(t -> t
                .arn(LocalQueues.arn("no-such-queue")).roleArn(ROLE).input("{\"deliveryId\":\"d-9\"}")
                .retryPolicy(p -> p.maximumRetryAttempts(2)).deadLetterConfig(d -> d.arn(due.dlqArn()))));

        // when: the first send and two retries
        int first = schedules.runDue(in10Minutes);
        int second = schedules.runDue(in10Minutes.plusSeconds(1));
        boolean dlqEmptyBeforeLastRetry = aws.queues().depth("herald-due-dlq").total() == 0;
        int third = schedules.runDue(in10Minutes.plusSeconds(2));

        // then
        assertThat(List.of(first, second, third)).containsExactly(1, 1, 1);
        assertThat(dlqEmptyBeforeLastRetry).isTrue();
        List<Message> dead = sqs.receiveMessage(r -> r.queueUrl(due.dlqUrl()).waitTimeSeconds(1).messageAttributeNames("All")).messages();
        assertThat(dead).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("{\"deliveryId\":\"d-9\"}");
            assertThat(m.messageAttributes().get("EXHAUSTED_RETRY_CONDITION").stringValue()).isEqualTo("MaximumRetryAttemptsExhausted");
            assertThat(m.messageAttributes().get("SCHEDULE_ARN").stringValue()).endsWith(":schedule/default/doomed");
        });
        assertThat(aws.schedules().list()).isEmpty();
        assertThat(schedules.runDue(in10Minutes.plusSeconds(3))).isZero();
    }

    @Test
    void aScheduleKeptAfterCompletion_isNeverFiredAgain() {
        // given
        create("kept", in10Minutes, "once", r -> r.actionAfterCompletion(ActionAfterCompletion.NONE));

        // when
        int first = aws.schedules().runDue(in10Minutes);
        int again = aws.schedules().runDue(in10Minutes.plus(1, ChronoUnit.DAYS));

        // then
        assertThat(List.of(first, again)).containsExactly(1, 0);
        assertThat(receive(due.url())).hasSize(1);
        assertThat(aws.schedules().list()).singleElement().satisfies(s -> assertThat(s.completed()).isTrue());
        assertThat(scheduler.getSchedule(r -> r.name("kept")).actionAfterCompletion()).isEqualTo(ActionAfterCompletion.NONE);
    }

    @Test
    void twoRunnersAtOnce_fireEachScheduleOnce() throws Exception {
        // given
        int count = 20;
        for (int i = 0; i < count; i++) {
            String name = "race-" + i;
            create(name, in10Minutes, name, r -> { });
        }
        LocalSchedules other = new LocalSchedules(aws.queues(), aws.schedules().store());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> runs = new ArrayList<>();

        // when
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (LocalSchedules runner : List.of(aws.schedules(), other)) {
                runs.add(pool.submit(() -> {
                    start.await();
                    return runner.runDue(in10Minutes);
                }));
            }
            start.countDown();
        }

        // then
        assertThat(runs.get(0).get() + runs.get(1).get()).isEqualTo(count);
        assertThat(aws.queues().depth("herald-due").total()).isEqualTo(count);
        assertThat(aws.schedules().list()).isEmpty();
    }

    @Test
    void schedulesInDynamoDb_surviveANewInstance_andFireThere() {
        // given: a schedule created through one herald local, which then stops
        String table = "schedules-" + UUID.randomUUID();
        try (LocalAws before = LocalAws.start(new DynamoScheduleStore(LocalDynamo.client(), table))) {
            before.queues().create("herald-due", new LocalQueues.Settings(Duration.ofSeconds(30), 3));
            before.client(SchedulerClient.builder()).createSchedule(r -> herald(r, "persisted", at(in10Minutes), "survivor"));
        }

        // when: another starts on the same table
        try (LocalAws after = LocalAws.start(new DynamoScheduleStore(LocalDynamo.client(), table))) {
            LocalQueues.Queue queue = after.queues().create("herald-due", new LocalQueues.Settings(Duration.ofSeconds(30), 3));
            List<LocalSchedules.Due> listed = after.schedules().list();
            int sent = after.schedules().runDue(in10Minutes);

            // then
            assertThat(listed).singleElement().satisfies(s -> {
                assertThat(s.name()).isEqualTo("persisted");
                assertThat(s.dueAt()).isEqualTo(in10Minutes);
            });
            assertThat(sent).isEqualTo(1);
            List<Message> got = after.client(SqsClient.builder())
                    .receiveMessage(r -> r.queueUrl(queue.url()).waitTimeSeconds(1)).messages();
            assertThat(got).extracting(Message::body).containsExactly("survivor");
            assertThat(after.schedules().list()).isEmpty();
        }
    }

    /** A CreateSchedule as Herald sends it: at() in UTC, no flexible window, deleted after completion, an SQS target. */
    private CreateScheduleRequest.Builder herald(CreateScheduleRequest.Builder r, String name, String expression, String input) {
        return r.name(name).scheduleExpression(expression).scheduleExpressionTimezone("UTC")
                .flexibleTimeWindow(w -> w.mode(FlexibleTimeWindowMode.OFF)).actionAfterCompletion(ActionAfterCompletion.DELETE)
                .target(t -> t.arn(due.arn()).roleArn(ROLE).input(input)
                        .retryPolicy(p -> p.maximumRetryAttempts(3).maximumEventAgeInSeconds(3600)));
    }

    private String create(String name, Instant at, String input, Consumer<CreateScheduleRequest.Builder> change) {
        return scheduler.createSchedule(r -> change.accept(herald(r, name, at(at), input))).scheduleArn();
    }

    private void assertValidation(Consumer<CreateScheduleRequest.Builder> change, String message) {
        assertThatThrownBy(() -> scheduler.createSchedule(r -> change.accept(herald(r, "v", at(in10Minutes), "x"))))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.statusCode()).isEqualTo(400))
                .hasMessageContaining(message);
        assertThat(aws.schedules().list()).noneMatch(s -> s.name().equals("v"));
    }

    private static String at(Instant instant) {
        return "at(" + AT.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)) + ")";
    }

    private List<Message> receive(String url) {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
    }
}
