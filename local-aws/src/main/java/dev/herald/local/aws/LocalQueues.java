package dev.herald.local.aws;

import dev.herald.queue.QueueLimits;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * herald local's SQS: ElasticMQ, embedded, on a loopback port of its own that only herald local talks to. Apps and
 * handlers reach it through {@link SqsApi} on herald local's one port, which verifies their signatures first; the
 * queue URLs it hands out name that port. Herald's queues are created here as the stack creates them: each with a
 * DLQ, a redrive policy and the {@link QueueLimits#MESSAGE_BYTES} message limit.
 */
public final class LocalQueues implements AutoCloseable {

    public static final String ACCOUNT = "000000000000";
    public static final String REGION = "us-east-1";
    /** The suffix of a queue's DLQ, as the stack names them. */
    public static final String DLQ_SUFFIX = "-dlq";

    /** How a queue hands out its messages: the visibility timeout, and the receives before a message goes to the DLQ. */
    public record Settings(Duration visibilityTimeout, int maxReceiveCount) {
    }

    /** A queue and its DLQ. */
    public record Queue(String name, String url, String arn, String dlqUrl, String dlqArn) {
    }

    /** How many messages a queue holds: ready to receive, received and not yet deleted, and delayed. */
    public record Depth(String queue, long visible, long inFlight, long delayed) {
        public long total() {
            return visible + inFlight + delayed;
        }
    }

    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private volatile SQSRestServer server;
    private volatile SqsClient client;
    private volatile URI internal;

    /**
     * Starts ElasticMQ on a free loopback port.
     *
     * @param publicBaseUrl where apps reach SQS, e.g. {@code http://127.0.0.1:8787}: the host of the queue URLs
     */
    public void start(String publicBaseUrl) {
        URI base = URI.create(publicBaseUrl);
        SQSRestServer started = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(0)
                .withServerAddress(new NodeAddress(base.getScheme(), base.getHost(), base.getPort(), ""))
                .withAWSRegion(REGION).withAWSAccountId(ACCOUNT)
                .start();
        int port = started.waitUntilStarted().localAddress().getPort();
        this.internal = URI.create("http://127.0.0.1:" + port);
        // ElasticMQ checks no signature: it is reached only from inside herald local, after SqsApi has checked one
        this.client = SqsClient.builder().endpointOverride(internal).region(Region.of(REGION))
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(30)).build())
                .build();
        this.server = started;
    }

    public boolean isStarted() {
        return server != null;
    }

    /** Where ElasticMQ itself listens; for {@link SqsApi} only. */
    URI internalEndpoint() {
        return requireStarted(internal);
    }

    /** A client of ElasticMQ that herald local's own parts use (its event source mappings, the dev UI). */
    public SqsClient client() {
        return requireStarted(client);
    }

    /** Creates {@code name} and its DLQ {@code name-dlq} with a redrive policy, or returns them when they exist. */
    public Queue create(String name, Settings settings) {
        return queues.computeIfAbsent(name, n -> {
            SqsClient sqs = client();
            String dlqUrl = sqs.createQueue(r -> r.queueName(n + DLQ_SUFFIX).attributes(Map.of(
                    QueueAttributeName.MAXIMUM_MESSAGE_SIZE, Integer.toString(QueueLimits.MESSAGE_BYTES),
                    QueueAttributeName.MESSAGE_RETENTION_PERIOD, Long.toString(Duration.ofDays(14).toSeconds())))).queueUrl();
            String dlqArn = arn(n + DLQ_SUFFIX);
            String url = sqs.createQueue(r -> r.queueName(n).attributes(Map.of(
                    QueueAttributeName.MAXIMUM_MESSAGE_SIZE, Integer.toString(QueueLimits.MESSAGE_BYTES),
                    QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(settings.visibilityTimeout().toSeconds()),
                    QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\""
                            + settings.maxReceiveCount() + "\"}"))).queueUrl();
            return new Queue(n, url, arn(n), dlqUrl, dlqArn);
        });
    }

    public static String arn(String queueName) {
        return "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + queueName;
    }

    /** Herald's queues, in the order they were created. */
    public List<Queue> queues() {
        return List.copyOf(queues.values());
    }

    /** The depth of each queue and each DLQ. */
    public List<Depth> depths() {
        List<Depth> depths = new ArrayList<>();
        for (Queue queue : queues.values()) {
            depths.add(depth(queue.name(), queue.url()));
            depths.add(depth(queue.name() + DLQ_SUFFIX, queue.dlqUrl()));
        }
        return depths;
    }

    /** The depth of one queue, or of a queue's DLQ by its name ({@code <queue>-dlq}). */
    public Depth depth(String name) {
        boolean dlq = name.endsWith(DLQ_SUFFIX);
        Queue queue = queues.get(dlq ? name.substring(0, name.length() - DLQ_SUFFIX.length()) : name);
        if (queue == null) {
            throw new IllegalArgumentException("no queue " + name + "; herald local's queues are " + queues.keySet());
        }
        return depth(name, dlq ? queue.dlqUrl() : queue.url());
    }

    private Depth depth(String name, String url) {
        GetQueueAttributesResponse attributes = client().getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
        return new Depth(name, count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
                count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
                count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
    }

    private static long count(GetQueueAttributesResponse attributes, QueueAttributeName name) {
        String value = attributes.attributes().get(name);
        return value == null ? 0 : Long.parseLong(value);
    }

    /**
     * Moves every message of a queue's DLQ back to the queue with SQS's own {@code StartMessageMoveTask}, as the
     * console's "Start DLQ redrive" does. Returns how many messages the DLQ held when the move started.
     */
    public long redrive(String queueName) {
        Queue queue = queues.get(queueName);
        if (queue == null) {
            throw new IllegalArgumentException("no queue " + queueName + "; herald local's queues are " + queues.keySet());
        }
        long waiting = depth(queueName + DLQ_SUFFIX).visible();
        if (waiting > 0) {
            client().startMessageMoveTask(r -> r.sourceArn(queue.dlqArn()).destinationArn(queue.arn()));
        }
        return waiting;
    }

    /**
     * Sends {@code body} to the queue ElasticMQ holds under {@code queueName} (a DLQ included), with string message
     * attributes, as a target's sender would; returns the message id. Throws the SDK's {@code QueueDoesNotExistException}
     * when there is no such queue, and its other exceptions as SQS answers them (e.g. a body over the queue's limit).
     */
    public String send(String queueName, String body, Map<String, String> attributes) {
        SqsClient sqs = client();
        String url = sqs.getQueueUrl(r -> r.queueName(queueName)).queueUrl();
        Map<String, MessageAttributeValue> values = new LinkedHashMap<>();
        attributes.forEach((name, value) -> values.put(name,
                MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
        return sqs.sendMessage(r -> r.queueUrl(url).messageBody(body).messageAttributes(values)).messageId();
    }

    private static <T> T requireStarted(T value) {
        if (value == null) {
            throw new IllegalStateException("herald local's SQS is not started yet");
        }
        return value;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stopAndWait();
        }
    }
}
