package dev.herald.local.aws;

import dev.herald.json.Json;
import dev.herald.local.http.HttpCall;
import dev.herald.local.http.HttpEndpoint;
import dev.herald.local.http.HttpReply;
import dev.herald.local.http.UrlEncoded;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * SQS on herald local's one port: the JSON protocol ({@code X-Amz-Target: AmazonSQS.*}, what the SDK speaks) and
 * the query protocol (a form with {@code Action=...}, what older CLIs speak). Every call must be signed for
 * {@code sqs} with credentials herald local issued, as in AWS; a signed call is then served by {@link LocalQueues}
 * (ElasticMQ), which enforces SQS's own semantics and limits: message size, batch entries, visibility, redrive.
 */
public final class SqsApi implements HttpEndpoint {

    /** The service name SQS requests are signed for. */
    public static final String SERVICE = "sqs";
    private static final String TARGET_PREFIX = "AmazonSQS.";
    /** A request over this is refused from its head: ten messages of 256 KiB, JSON-escaped, fit well within it. */
    static final long MAX_REQUEST_BYTES = 4L * 1024 * 1024;
    /** The response headers an SDK reads from SQS. */
    private static final List<String> FORWARDED_HEADERS = List.of("x-amzn-query-error", "x-amzn-requestid");

    private final LocalQueues queues;
    private final Faults faults;
    private final SigV4 signatures;
    private final LongAdder requests = new LongAdder();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    /** @param faults errors to answer instead, per call; a matching fault names the queue (e.g. {@code herald-fanout}) */
    public SqsApi(LocalQueues queues, Faults faults, SigV4 signatures) {
        this.queues = queues;
        this.faults = faults;
        this.signatures = signatures;
    }

    @Override
    public Optional<HttpReply> refuseBeforeBody(HttpCall head) {
        if (!isSqs(head)) {
            return Optional.empty();
        }
        if (head.contentLength() > MAX_REQUEST_BYTES) {
            return Optional.of(AwsErrors.json10(413, "RequestTooLong", "the request is " + head.contentLength() + " bytes, over what SQS accepts"));
        }
        return SigV4.refuseUnsigned(head, protocol(head));
    }

    @Override
    public Optional<HttpReply> handle(HttpCall call) {
        if (!isSqs(call)) {
            return Optional.empty();
        }
        Optional<HttpReply> unauthenticated = signatures.refuse(call, SERVICE, protocol(call));
        if (unauthenticated.isPresent()) {
            return unauthenticated;
        }
        if (!queues.isStarted()) {
            return Optional.of(AwsErrors.json10(503, "ServiceUnavailable", "herald local's SQS is still starting; try again"));
        }
        Optional<String> fault = faults.next(Faults.Service.SQS, List.of(queueName(call)));
        if (fault.isPresent()) {
            return Optional.of(AwsErrors.json10(500, "InternalError", "injected fault: internal error"));
        }
        requests.increment();
        return Optional.of(forward(call));
    }

    /** The signed requests served so far: what the functions' own SQS calls would be billed. */
    public long requests() {
        return requests.sum();
    }

    /** The queue a call is about: the last segment of its {@code QueueUrl}, or "" for none. */
    private static String queueName(HttpCall call) {
        String url;
        if (call.header("x-amz-target").isPresent()) {
            try {
                url = Json.parse(call.bodyText()).path("QueueUrl").asText("");
            } catch (RuntimeException notJson) {
                return "";
            }
        } else {
            try {
                url = UrlEncoded.pairs(call.bodyText()).stream().filter(p -> p.getKey().equals("QueueUrl")).map(Map.Entry::getValue)
                        .findFirst().orElse("");
            } catch (IllegalArgumentException malformed) {
                return "";
            }
        }
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** An SQS call: its JSON target, or a signature scoped to {@code sqs} (the query protocol shares {@code POST /} with SNS). */
    private static boolean isSqs(HttpCall call) {
        if (!call.method().equals("POST")) {
            return false;
        }
        if (call.header("x-amz-target").orElse("").startsWith(TARGET_PREFIX)) {
            return true;
        }
        return call.header("authorization").map(a -> a.contains("/" + SERVICE + "/aws4_request")).orElse(false);
    }

    private static AwsErrors.Protocol protocol(HttpCall call) {
        return call.header("x-amz-target").isPresent() ? AwsErrors.Protocol.AWS_JSON : AwsErrors.Protocol.AWS_QUERY;
    }

    private HttpReply forward(HttpCall call) {
        String query = call.rawQuery() == null ? "" : "?" + call.rawQuery();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(queues.internalEndpoint() + call.rawPath() + query))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(call.body()));
        call.header("content-type").ifPresent(type -> request.header("Content-Type", type));
        call.header("x-amz-target").ifPresent(target -> request.header("X-Amz-Target", target));
        call.header("x-amzn-query-mode").ifPresent(mode -> request.header("x-amzn-query-mode", mode));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> headers = new HashMap<>();
            for (String name : FORWARDED_HEADERS) {
                response.headers().firstValue(name).ifPresent(value -> headers.put(name, value));
            }
            String type = response.headers().firstValue("content-type").orElse(AwsErrors.AMZ_JSON_10);
            return new HttpReply(response.statusCode(), type, response.body(), headers);
        } catch (IOException e) {
            return AwsErrors.json10(500, "InternalError", "herald local's SQS did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AwsErrors.json10(503, "ServiceUnavailable", "interrupted");
        }
    }
}
