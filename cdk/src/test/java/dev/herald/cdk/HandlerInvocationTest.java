package dev.herald.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.catalog.Channel;
import dev.herald.config.HeraldEnv;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionRepository;
import dev.herald.delivery.Delivery;
import dev.herald.delivery.DeliveryKey;
import dev.herald.delivery.DeliveryReason;
import dev.herald.delivery.DeliveryRepository;
import dev.herald.delivery.DeliveryStatus;
import dev.herald.dispatch.Dispatch;
import dev.herald.dispatch.DispatchRecipient;
import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.MatchedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.event.EventEnvelope;
import dev.herald.fanout.FanOutProgress;
import dev.herald.json.Json;
import dev.herald.local.HeraldLocal;
import dev.herald.processor.status.RecipientUnsubscribedEvent;
import dev.herald.queue.QueueBatch;
import dev.herald.recipient.Device;
import dev.herald.recipient.Platform;
import dev.herald.recipient.RecipientProfile;
import dev.herald.recipient.RecipientRepository;
import dev.herald.schedule.Wait;
import dev.herald.schedule.Waits;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import dev.herald.store.StreamRecords;
import dev.herald.store.StreamTail;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/**
 * Each deployed handler, started from its jar in a fresh JVM with the stack's environment, handles one real event:
 * its AWS SDK clients reach DynamoDB Local, herald local and the Lambda stand-in through the SDK's endpoint
 * variables, its log lines go through log4j's JSON layout with Powertools' fields, and the channel handlers flush
 * their EMF metrics. This is what proves that the Lambda jars, cut down to what the handlers load, still hold
 * everything a handler needs, including what the SDK, log4j and Powertools load by name.
 */
class HandlerInvocationTest {

    /** The handlers that count notifications in CloudWatch EMF metrics. */
    private static final Set<HeraldFunction> COUNTS_METRICS = EnumSet.of(HeraldFunction.PROCESSOR, HeraldFunction.WEBSOCKET_CHANNEL,
            HeraldFunction.PUSH_CHANNEL, HeraldFunction.EMAIL_CHANNEL);
    private static final String TYPE = "booking.created";
    /** The queues handlers hand work on through: in the local cloud, queues no function reads, so the test reads them. */
    private static final List<HeraldEnv> HAND_OFF_QUEUES = List.of(HeraldEnv.PROCESSOR_QUEUE_URL, HeraldEnv.FANOUT_QUEUE_URL,
            HeraldEnv.WEBSOCKET_QUEUE_URL, HeraldEnv.PUSH_QUEUE_URL, HeraldEnv.EMAIL_QUEUE_URL, HeraldEnv.DUE_QUEUE_URL);

    private static SynthesizedHerald herald;
    private static HeraldTables.Names tables;
    private static LocalCloud cloud;
    private static DeliveryRepository deliveries;
    private static ConnectionRepository connections;
    private static RecipientRepository recipients;

    /** One event for a function, the id its log lines carry (null when it logs none), and what must hold after. */
    private record Call(String event, String correlationId, Consumer<JsonNode> then) {
    }

    @BeforeAll
    static void startTheLocalCloud() {
        herald = SynthesizedHerald.get();
        tables = new HeraldTables.Names(DeployedHandler.standIn(HeraldEnv.DELIVERIES_TABLE.variable()),
                DeployedHandler.standIn(HeraldEnv.CONNECTIONS_TABLE.variable()), DeployedHandler.standIn(HeraldEnv.RECIPIENTS_TABLE.variable()));
        cloud = LocalCloud.start(tables);
        deliveries = new DeliveryRepository(cloud.dynamo(), tables.deliveries(), Clock.systemUTC(), Duration.ofDays(1));
        connections = new ConnectionRepository(cloud.dynamo(), tables.connections(), Clock.systemUTC());
        recipients = new RecipientRepository(cloud.dynamo(), tables.recipients(), Clock.systemUTC());
    }

    @AfterAll
    static void stopTheLocalCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    /** Events a function handles besides the one {@link #given} gives it: each shape of input runs from the jar too. */
    enum Shape {
        RECIPIENT_RESUBSCRIBED(HeraldFunction.RECIPIENT_EVENTS),
        RECIPIENT_DELETED_DEVICES(HeraldFunction.DEVICE_EVENTS),
        /** A delivery's unsubscribe mark on the deliveries table's stream, announced as Recipient Unsubscribed. */
        UNSUBSCRIBE_MARK(HeraldFunction.STATUS_EVENTS),
        /** SES's open of an email (engagement tracking), moving its delivery to OPENED. */
        EMAIL_OPENED(HeraldFunction.SES_EVENTS);

        final HeraldFunction spec;

        Shape(HeraldFunction spec) {
            this.spec = spec;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(HeraldFunction.class)
    void handler_handlesOneEventFromItsJar(HeraldFunction spec, @TempDir Path dir) throws Exception {
        // given
        Map<String, String> environment = environment(spec);
        Call call = given(spec, environment, "u-" + spec.id().toLowerCase(), UUID.randomUUID().toString());

        // when / then
        runFromJar(spec, environment, call, dir);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Shape.class)
    void handler_handlesEachFurtherShapeOfInputFromItsJar(Shape shape, @TempDir Path dir) throws Exception {
        // given
        Map<String, String> environment = environment(shape.spec);
        Call call = given(shape, "u-" + shape.name().toLowerCase().replace('_', '-'), UUID.randomUUID().toString());

        // when / then
        runFromJar(shape.spec, environment, call, dir);
    }

    private static void runFromJar(HeraldFunction spec, Map<String, String> environment, Call call, Path dir) throws Exception {
        Path event = Files.writeString(dir.resolve("event.json"), call.event());

        // when
        DeployedHandler.Run run = DeployedHandler.run(spec, environment, Optional.of(event));

        // then
        assertThat(run.exited()).as(spec + " handled its event within 60 s:\n" + run.output()).isTrue();
        assertThat(run.exitCode()).as(spec + " from " + DeployedHandler.jar(spec).getFileName() + ":\n" + run.output()).isZero();
        System.out.println(spec + " (" + DeployedHandler.jar(spec).getFileName() + "): " + run.timings().orElse("?") + "; JVM start to exit "
                + run.wallMillis() + " ms");
        List<JsonNode> lines = run.jsonLines().stream().map(Json::parse).toList();
        List<JsonNode> logs = lines.stream().filter(l -> l.has("level")).toList();
        assertThat(run.output().lines().filter(l -> !l.startsWith("{") && !l.startsWith("herald-test ")))
                .as("every line a handler writes is structured JSON:\n" + run.output()).isEmpty();
        if (call.correlationId() != null) {
            assertThat(logs).as("log lines through the JSON layout:\n" + run.output()).isNotEmpty();
            assertThat(logs).allSatisfy(log -> {
                assertThat(log.path("correlation_id").asText()).isEqualTo(call.correlationId());
                assertThat(log.path("function_name").asText()).isEqualTo(environment.get("AWS_LAMBDA_FUNCTION_NAME"));
                assertThat(log.path("message").asText()).isNotBlank();
            });
        }
        if (COUNTS_METRICS.contains(spec)) {
            assertThat(lines).as("an EMF metrics line in namespace Herald:\n" + run.output())
                    .anySatisfy(l -> assertThat(l.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Herald"));
        }
        call.then().accept(Json.parse(run.response().isBlank() ? "null" : run.response()));
    }

    /**
     * The stack's variables, pointed at the local cloud where they name an endpoint, plus what the Lambda runtime
     * sets. The WebSocket callback URL and the JWKS URL are endpoints themselves; the bus is herald local's.
     */
    private static Map<String, String> environment(HeraldFunction spec) {
        Map<String, String> environment = new TreeMap<>(DeployedHandler.withLambdaRuntime(DeployedHandler.stackEnvironment(herald, spec), spec));
        environment.putAll(cloud.endpointVariables());
        environment.computeIfPresent(HeraldEnv.WEBSOCKET_CALLBACK_URL.variable(), (k, v) -> cloud.local().baseUrl());
        environment.computeIfPresent(HeraldEnv.JWKS_URL.variable(), (k, v) -> cloud.standInUrl() + "/jwks.json");
        environment.computeIfPresent(HeraldEnv.EVENT_BUS.variable(), (k, v) -> "herald");
        for (HeraldEnv queue : HAND_OFF_QUEUES) {
            environment.computeIfPresent(queue.variable(), (k, v) -> cloud.handOffQueue(queue));
        }
        // SnapStart's environment: no keys, only the container-credentials endpoint, so a handler signing with anything
        // but the default chain's credentials is refused by herald local, as API Gateway and SES refuse it in AWS
        assertThat(environment).doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
                .containsKeys("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN");
        return environment;
    }

    private static Call given(HeraldFunction spec, Map<String, String> environment, String user, String eventId) throws Exception {
        String email = user + "@example.com";
        String connectionId = "conn-" + user;
        Instant now = Instant.now();
        return switch (spec) {
            case ENRICHMENT -> {
                recipients.put(profile(user, email));
                yield new Call(Json.write(new MatchedEvent(TYPE, booking(eventId, user))), eventId, response -> {
                    assertThat(response.at("/recipients/0/id").asText()).isEqualTo(user);
                    assertThat(response.at("/recipients/0/email").asText()).isEqualTo(email);
                    assertThat(cloud.handedOff(HeraldEnv.PROCESSOR_QUEUE_URL)).as("work units on the processor's queue").singleElement()
                            .satisfies(unit -> assertThat(Json.read(unit, EnrichedEvent.class).recipients()).extracting(ResolvedRecipient::id)
                                    .containsExactly(user));
                });
            }
            case RECIPIENT_EVENTS -> new Call(envelope(eventId, "Recipient Upserted",
                    "{\"recipientId\":\"%s\",\"email\":\"%s\",\"locale\":\"fr-CA\",\"timeZone\":\"America/Toronto\"}".formatted(user, email)),
                    eventId, response -> assertThat(recipients.find(user)).hasValueSatisfying(p -> assertThat(p.locale()).isEqualTo("fr-CA")));
            case PROCESSOR -> {
                EventEnvelope booking = booking(eventId, user);
                EnrichedEvent enriched = EnrichedEvent.of(TYPE, booking, booking.detail(),
                        List.of(new ResolvedRecipient(user, profile(user, email), List.of(), email, false)));
                yield queued(Json.write(enriched), eventId, response -> {
                    assertThat(deliveries.forNotification(eventId)).isNotEmpty();
                    for (HeraldEnv channelQueue : List.of(HeraldEnv.WEBSOCKET_QUEUE_URL, HeraldEnv.EMAIL_QUEUE_URL)) {
                        assertThat(cloud.handedOff(channelQueue)).as("dispatches on " + channelQueue.variable()).singleElement()
                                .satisfies(dispatch -> assertThat(Json.read(dispatch, Dispatch.class).notificationId()).isEqualTo(eventId));
                    }
                });
            }
            case DUE -> {
                // an email that waited (its delay) and is due: released, and handed to the email channel's queue
                DispatchRecipient recipient = new DispatchRecipient(user, "en", "UTC", null, email, List.of());
                Dispatch waiting = dispatch(eventId, Channel.EMAIL, recipient);
                deliveries.create(Delivery.scheduled(waiting.keyFor(recipient), DeliveryReason.DELAYED, now, now.minusSeconds(1)));
                Wait wait = Waits.of(DeliveryReason.DELAYED, now.minusSeconds(1), waiting, null);
                new Waits(cloud.dynamo(), tables.deliveries(), Duration.ofDays(1)).put(wait);
                yield queued(Json.write(wait.wakeUp()), eventId, response -> {
                    assertThat(deliveries.find(waiting.keyFor(recipient))).hasValueSatisfying(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING));
                    assertThat(cloud.handedOff(HeraldEnv.EMAIL_QUEUE_URL)).as("the released email's dispatch").singleElement()
                            .satisfies(dispatch -> assertThat(Json.read(dispatch, Dispatch.class).notificationId()).isEqualTo(eventId));
                });
            }
            case STATUS_EVENTS -> {
                StreamTail tail = new StreamTail(cloud.dynamo(), cloud.streams(), tables.deliveries());
                DeliveryKey key = sent(eventId, Channel.EMAIL, user, now);
                var records = tail.poll(100).stream().filter(r -> r.dynamodb().keys().toString().contains(eventId)).toList();
                assertThat(records).as("the deliveries table's stream records of " + key).isNotEmpty();
                // it logs only what it could not publish
                yield new Call(Json.write(StreamRecords.toLambdaEvent(records)), null,
                        response -> assertThat(response.path("events").asInt()).as("Delivery Status events published: " + response).isPositive());
            }
            case WEBSOCKET_CHANNEL -> {
                // one live connection (a browser on herald local's gateway) and one API Gateway no longer has (410),
                // established a minute ago (a 410 within the handshake keeps a connection)
                LocalCloud.Socket browser = cloud.connect(user);
                String gone = "gone-" + user;
                connections.put(new Connection(browser.connectionId(), user, now));
                connections.put(new Connection(gone, user, now.minusSeconds(60)));
                DeliveryKey key = new DeliveryKey(eventId, TYPE, Channel.WEBSOCKET, user);
                deliveries.create(Delivery.pending(key, now, null));
                yield queued(Json.write(dispatch(eventId, Channel.WEBSOCKET, recipient(user, email, List.of()))), eventId, response -> {
                    try (browser) {
                        assertThat(browser.nextFrame(Duration.ofSeconds(10))).as("the frame the browser received").hasValueSatisfying(
                                frame -> assertThat(frame).contains(eventId));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    assertThat(connections.find(gone)).as("the gone connection").isEmpty();
                    assertThat(deliveries.find(key)).hasValueSatisfying(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.SENT));
                });
            }
            case WEBSOCKET_CONNECT -> new Call(webSocketEvent("$connect", "CONNECT", connectionId,
                    ",\"authorizer\":{\"principalId\":\"%s\",\"userId\":\"%s\"}".formatted(user, user), null), null,
                    response -> {
                        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
                        assertThat(connections.find(connectionId)).hasValueSatisfying(c -> assertThat(c.userId()).isEqualTo(user));
                    });
            case WEBSOCKET_DISCONNECT -> {
                connections.put(new Connection(connectionId, user, now));
                yield new Call(webSocketEvent("$disconnect", "DISCONNECT", connectionId, "", null), null,
                        response -> assertThat(connections.find(connectionId)).isEmpty());
            }
            case WEBSOCKET_DEFAULT -> {
                connections.put(new Connection(connectionId, user, now));
                yield new Call(webSocketEvent("$default", "MESSAGE", connectionId, "", "{\"action\":\"sync\",\"since\":null}"), null,
                        response -> assertThat(response.path("statusCode").asInt()).as(response.toString()).isEqualTo(200));
            }
            case WEBSOCKET_AUTHORIZER -> {
                String token = cloud.token(user, environment.get(HeraldEnv.JWT_ISSUER.variable()), environment.get(HeraldEnv.JWT_AUDIENCE.variable()));
                yield new Call("""
                        {"type":"REQUEST","methodArn":"arn:aws:execute-api:eu-west-1:123456789012:abc123/live/$connect",
                         "headers":{"Host":"abc123.execute-api.eu-west-1.amazonaws.com"},"queryStringParameters":{"token":"%s"},
                         "requestContext":{"routeKey":"$connect","eventType":"CONNECT","connectionId":"%s","apiId":"abc123","stage":"live"}}
                        """.formatted(token, connectionId), null, response -> {
                    assertThat(response.path("principalId").asText()).isEqualTo(user);
                    assertThat(response.at("/policyDocument/Statement/0/Effect").asText()).isEqualTo("Allow");
                });
            }
            case PUSH_CHANNEL -> {
                String endpoint;
                try (SnsClient sns = localSns()) {
                    endpoint = sns.createPlatformEndpoint(r -> r.platformApplicationArn(HeraldLocal.SNS_APPLICATION_PREFIX + "GCM/herald-local")
                            .token("fcm-" + user)).endpointArn();
                }
                Device device = new Device(user, "phone", Platform.GCM, "fcm-" + user, endpoint, true, now);
                recipients.putDevice(device);
                DeliveryKey key = new DeliveryKey(eventId, TYPE, Channel.PUSH, user);
                deliveries.create(Delivery.pending(key, now, null));
                yield queued(Json.write(dispatch(eventId, Channel.PUSH, recipient(user, email, List.of(device)))), eventId,
                        response -> assertThat(deliveries.find(key)).hasValueSatisfying(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.SENT)));
            }
            case EMAIL_CHANNEL -> {
                DeliveryKey key = new DeliveryKey(eventId, TYPE, Channel.EMAIL, user);
                deliveries.create(Delivery.pending(key, now, null));
                yield queued(Json.write(dispatch(eventId, Channel.EMAIL, recipient(user, email, List.of()))), eventId,
                        response -> assertThat(deliveries.find(key)).hasValueSatisfying(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.SENT)));
            }
            case SES_EVENTS -> {
                DeliveryKey key = sent(eventId, Channel.EMAIL, user, now);
                String bounceId = UUID.randomUUID().toString();
                yield new Call(envelope(bounceId, "Email Bounced", """
                        {"eventType":"Bounce","bounce":{"feedbackId":"fb-1","bounceType":"Permanent","bounceSubType":"General",
                          "bouncedRecipients":[{"emailAddress":"%s","action":"failed","status":"5.1.1"}],"timestamp":"2026-12-01T10:14:59.000Z"},
                         "mail":{"timestamp":"2026-12-01T10:14:58.000Z","source":"notifications@herald.example","messageId":"ses-1",
                          "destination":["%s"],"tags":{"herald-notification":["%s"],"herald-type":["%s"],"herald-recipient":["%s"]}}}
                        """.formatted(email, email, eventId, TYPE, user)).replace("\"source\":\"demo.app\"", "\"source\":\"aws.ses\""), bounceId,
                        response -> {
                            assertThat(recipients.isSuppressed(email)).as("the bounced address is suppressed").isTrue();
                            assertThat(deliveries.find(key)).hasValueSatisfying(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED));
                        });
            }
            case DEVICE_EVENTS -> new Call(envelope(eventId, "Device Registered",
                    "{\"recipientId\":\"%s\",\"deviceId\":\"phone\",\"platform\":\"GCM\",\"token\":\"fcm-%s\"}".formatted(user, user)), eventId,
                    response -> {
                        assertThat(response.path("applied").asBoolean()).as(response.toString()).isTrue();
                        assertThat(recipients.devices(user)).singleElement().satisfies(d -> assertThat(d.endpointArn()).isNotBlank());
                    });
            case UNSUBSCRIBE -> {
                DeliveryKey key = sent(eventId, Channel.EMAIL, user, now);
                // a mail client's one-click unsubscribe (RFC 8058), through API Gateway's REST proxy integration
                yield new Call("""
                        {"resource":"/unsubscribe","path":"/unsubscribe","httpMethod":"POST",
                         "headers":{"Content-Type":"application/x-www-form-urlencoded"},
                         "queryStringParameters":{"n":"%s","t":"%s","r":"%s"},
                         "requestContext":{"resourcePath":"/unsubscribe","httpMethod":"POST","stage":"live","requestId":"req-1"},
                         "body":"List-Unsubscribe=One-Click","isBase64Encoded":false}
                        """.formatted(eventId, TYPE, user), eventId, response -> {
                    assertThat(response.path("statusCode").asInt()).as(response.path("body").asText()).isEqualTo(200);
                    assertThat(recipients.load(user).unsubscribed()).containsEntry("bookings", Set.of(Channel.EMAIL));
                    // with it, the mark from which the deliveries table's stream announces Recipient Unsubscribed
                    assertThat(rawDelivery(key)).containsKey(DeliveryRepository.UNSUBSCRIBED_AT);
                });
            }
            case FANOUT -> {
                // one page of a topic of one member: read, handed to the processor's queue, and counted
                String topic = "topic-" + user;
                recipients.put(profile(user, email));
                recipients.subscribe(topic, user);
                EventEnvelope booking = booking(eventId, user);
                String page = Json.write(Map.of("typeId", TYPE, "event", booking, "data", booking.detail(), "topics", List.of(topic),
                        "topic", 0, "page", 0));
                yield queued(page, eventId, response -> {
                    assertThat(cloud.handedOff(HeraldEnv.PROCESSOR_QUEUE_URL)).as("work units on the processor's queue").singleElement()
                            .satisfies(unit -> assertThat(Json.read(unit, EnrichedEvent.class).fanOut()).isTrue());
                    assertThat(new FanOutProgress(cloud.dynamo(), tables.deliveries(), Clock.systemUTC(), Duration.ofDays(1)).find(eventId))
                            .hasValueSatisfying(progress -> {
                                assertThat(progress.membersResolved()).isEqualTo(1);
                                assertThat(progress.complete()).isTrue();
                            });
                });
            }
            case PREFERENCES -> {
                // a browser's PUT /preferences, as the HTTP API's JWT authorizer passes it on (payload format 2.0)
                String requestId = "req-" + eventId;
                yield new Call("""
                        {"version":"2.0","routeKey":"PUT /preferences","rawPath":"/preferences","rawQueryString":"",
                         "headers":{"content-type":"application/json","host":"abc123.execute-api.eu-west-1.amazonaws.com"},
                         "requestContext":{"apiId":"abc123","requestId":"%s","routeKey":"PUT /preferences","stage":"$default",
                          "http":{"method":"PUT","path":"/preferences","protocol":"HTTP/1.1","sourceIp":"203.0.113.7"},
                          "authorizer":{"jwt":{"claims":{"sub":"%s","aud":"herald-web"},"scopes":null}}},
                         "body":"{\\"categories\\":{\\"bookings\\":{\\"email\\":false}}}","isBase64Encoded":false}
                        """.formatted(requestId, user), requestId, response -> {
                    assertThat(response.path("statusCode").asInt()).as(response.toString()).isEqualTo(200);
                    assertThat(Json.parse(response.path("body").asText()).path("recipientId").asText()).isEqualTo(user);
                    assertThat(recipients.find(user)).hasValueSatisfying(p -> assertThat(p.optedOut("bookings", Channel.EMAIL)).isTrue());
                });
            }
            default -> throw new AssertionError(spec + " has no event to handle yet: add one to " + HandlerInvocationTest.class.getSimpleName()
                    + ".given, with what must hold after it");
        };
    }

    private static Call given(Shape shape, String user, String eventId) {
        return switch (shape) {
            case RECIPIENT_RESUBSCRIBED -> {
                recipients.recordUnsubscribe(user, "bookings", Channel.EMAIL, "n-" + eventId);
                yield new Call(envelope(eventId, "Recipient Resubscribed", "{\"recipientId\":\"%s\",\"category\":\"bookings\"}".formatted(user)),
                        eventId, response -> {
                            assertThat(response.path("applied").asBoolean()).as(response.toString()).isTrue();
                            assertThat(recipients.load(user).unsubscribed()).isEmpty();
                        });
            }
            case RECIPIENT_DELETED_DEVICES -> {
                String endpoint;
                try (SnsClient sns = localSns()) {
                    endpoint = sns.createPlatformEndpoint(r -> r.platformApplicationArn(HeraldLocal.SNS_APPLICATION_PREFIX + "GCM/herald-local")
                            .token("fcm-" + user).customUserData(user)).endpointArn();
                }
                recipients.putDevice(new Device(user, "phone", Platform.GCM, "fcm-" + user, endpoint, true, Instant.now()));
                recipients.put(profile(user, user + "@example.com"));
                yield new Call(envelope(eventId, "Recipient Deleted", "{\"recipientId\":\"%s\"}".formatted(user)), eventId, response -> {
                    assertThat(response.path("applied").asBoolean()).as(response.toString()).isTrue();
                    assertThat(recipients.devices(user)).isEmpty();
                    try (SnsClient sns = localSns()) {
                        assertThatThrownBy(() -> sns.getEndpointAttributes(r -> r.endpointArn(endpoint))).isInstanceOf(NotFoundException.class);
                    }
                    assertThat(recipients.find(user)).as("the recipients function deletes the profile, on the same event").isPresent();
                });
            }
            case EMAIL_OPENED -> {
                DeliveryKey key = sent(eventId, Channel.EMAIL, user, Instant.now());
                String openId = UUID.randomUUID().toString();
                yield new Call(envelope(openId, "Email Opened", """
                        {"eventType":"Open","open":{"ipAddress":"192.0.2.1","timestamp":"2026-12-01T10:20:00.000Z","userAgent":"Mozilla/5.0"},
                         "mail":{"timestamp":"2026-12-01T10:14:58.000Z","source":"notifications@herald.example","messageId":"ses-2",
                          "destination":["o@example.com"],"tags":{"ses:configuration-set":["herald-test"],"herald-notification":["%s"],
                          "herald-type":["%s"],"herald-recipient":["%s"]}}}
                        """.formatted(eventId, TYPE, user)).replace("\"source\":\"demo.app\"", "\"source\":\"aws.ses\""), openId,
                        response -> assertThat(deliveries.find(key))
                                .hasValueSatisfying(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.OPENED)));
            }
            case UNSUBSCRIBE_MARK -> {
                StreamTail tail = new StreamTail(cloud.dynamo(), cloud.streams(), tables.deliveries());
                DeliveryKey key = sent(eventId, Channel.EMAIL, user, Instant.now());
                assertThat(recipients.recordUnsubscribe(user, "bookings", Channel.EMAIL, eventId, deliveries.unsubscribeMark(key, "bookings"))).isTrue();
                var records = tail.poll(100).stream().filter(r -> r.dynamodb().keys().toString().contains(eventId)).toList();
                int announced = heraldEvents(RecipientUnsubscribedEvent.DETAIL_TYPE).size();
                yield new Call(Json.write(StreamRecords.toLambdaEvent(records)), null, response -> {
                    assertThat(response.path("unsubscribes").asInt()).as(response.toString()).isEqualTo(1);
                    List<JsonNode> events = heraldEvents(RecipientUnsubscribedEvent.DETAIL_TYPE);
                    assertThat(events).as("Recipient Unsubscribed events on the bus").hasSize(announced + 1);
                    assertThat(events.getLast().path("matched")).as("routed by no rule").isEmpty();
                });
            }
        };
    }

    private static Map<String, AttributeValue> rawDelivery(DeliveryKey key) {
        return cloud.dynamo().getItem(r -> r.tableName(tables.deliveries())
                .key(Map.of("pk", Items.s(key.notificationId()), "sk", Items.s(key.sortKey())))).item();
    }

    private static SnsClient localSns() {
        return cloud.local().client(SnsClient.builder());
    }

    /** Herald's own events of a detail-type that herald local's bus received, from its events log. */
    private static List<JsonNode> heraldEvents(String detailType) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(cloud.local().baseUrl() + "/local/events?limit=1000")).build(), HttpResponse.BodyHandlers.ofString());
            List<JsonNode> events = new ArrayList<>();
            Json.parse(response.body()).forEach(e -> {
                if (EventEnvelope.HERALD_SOURCE.equals(e.path("source").asText()) && detailType.equals(e.path("detailType").asText())) {
                    events.add(e);
                }
            });
            return events;
        } catch (Exception e) {
            throw new AssertionError("GET /local/events of herald local failed", e);
        }
    }

    private static DeliveryKey sent(String eventId, Channel channel, String user, Instant now) {
        DeliveryKey key = new DeliveryKey(eventId, TYPE, channel, user);
        deliveries.create(Delivery.pending(key, now, null));
        deliveries.claim(key);
        deliveries.finish(key, DeliveryStatus.SENT, null);
        return key;
    }

    private static RecipientProfile profile(String user, String email) {
        return new RecipientProfile(user, "en", "Europe/Paris", email, "Ada", Map.of(), null, Instant.now());
    }

    private static DispatchRecipient recipient(String user, String email, List<Device> devices) {
        return new DispatchRecipient(user, "en", "Europe/Paris", "Ada", email, devices);
    }

    /**
     * What an SQS event source mapping hands a queue-fed function: one message holding {@code body}, whose id is the
     * event id; the function must report no failure, and then {@code then} must hold.
     */
    private static Call queued(String body, String eventId, Consumer<JsonNode> then) {
        QueueBatch batch = new QueueBatch(List.of(new QueueBatch.Message(eventId, "receipt-" + eventId, body,
                Map.of("ApproximateReceiveCount", "1"), QueueBatch.Message.EVENT_SOURCE, "arn:aws:sqs:eu-west-1:123456789012:herald-test")));
        return new Call(Json.write(batch), eventId, response -> {
            assertThat(response.path("batchItemFailures")).as("failures reported for a retry: " + response).isEmpty();
            then.accept(response);
        });
    }

    private static Dispatch dispatch(String eventId, Channel channel, DispatchRecipient recipient) {
        return new Dispatch(eventId, TYPE, channel, Instant.parse("2026-12-01T09:15:00Z"), booking(eventId, recipient.id()).detail(), List.of(recipient));
    }

    private static EventEnvelope booking(String eventId, String user) {
        return Json.read(envelope(eventId, TYPE, """
                {"userId":"%s","bookingId":"BK-1001","hotelName":"Hôtel du Lac","checkIn":"2026-12-19","nights":3,
                 "total":{"amount":412.5,"currency":"EUR"}}""".formatted(user)), EventEnvelope.class);
    }

    private static String envelope(String eventId, String detailType, String detail) {
        return """
                {"version":"0","id":"%s","detail-type":"%s","source":"demo.app","account":"123456789012",
                 "time":"2026-12-01T09:15:00Z","region":"eu-west-1","resources":[],"detail":%s}""".formatted(eventId, detailType, detail);
    }

    private static String webSocketEvent(String route, String eventType, String connectionId, String requestContextExtra, String body) {
        return """
                {"requestContext":{"routeKey":"%s","eventType":"%s","messageDirection":"IN","stage":"live","connectedAt":1795463155123,
                  "requestTimeEpoch":1795463155130,"requestId":"req-1","domainName":"abc123.execute-api.eu-west-1.amazonaws.com",
                  "connectionId":"%s","apiId":"abc123"%s},
                 "body":%s,"isBase64Encoded":false}
                """.formatted(route, eventType, connectionId, requestContextExtra, body == null ? "null" : Json.write(body));
    }
}
