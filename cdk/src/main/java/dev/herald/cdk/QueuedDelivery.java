package dev.herald.cdk;

import java.util.ArrayList;
import java.util.List;

/**
 * How the queued functions take their work, per environment: each channel's provider rate and the maximum concurrency
 * of its event source mapping (which, together, give each execution environment its share of the rate), the
 * reserved concurrency of enrichment (the one function fed asynchronously by EventBridge), and when a queue's oldest
 * message is old enough to page someone.
 *
 * @param sesMaxSendRate       the SES account's maximum send rate (`aws sesv2 get-account`: SendQuota.MaxSendRate);
 *                             14 a second for a new production account
 * @param apiGatewayAccountRps API Gateway's account throttle in the region (10,000 requests a second by default),
 *                             shared with every other API of the account
 * @param webSocketShare       the share of that throttle the WebSocket channel's posts may take
 * @param snsPublishRate       mobile push publishes a second
 * @param webSocketConcurrency maximum concurrency of the WebSocket channel's mapping (2 to 1,000, SQS's bounds)
 * @param pushConcurrency      maximum concurrency of the push channel's mapping
 * @param emailConcurrency     maximum concurrency of the email channel's mapping
 * @param enrichmentConcurrency reserved concurrency of enrichment: at most this many run at once, the rest of the
 *                             events wait in Lambda's asynchronous queue (retried for up to 6 hours)
 * @param queueAgeAlarmSeconds age of a work queue's oldest message that raises its alarm
 */
public record QueuedDelivery(double sesMaxSendRate, double apiGatewayAccountRps, double webSocketShare, double snsPublishRate,
                             int webSocketConcurrency, int pushConcurrency, int emailConcurrency, int enrichmentConcurrency,
                             int queueAgeAlarmSeconds) {

    public static final String SES_MAX_SEND_RATE = "sesMaxSendRate";
    public static final String API_GATEWAY_ACCOUNT_RPS = "apiGatewayAccountRps";
    public static final String WEBSOCKET_SHARE = "webSocketShare";
    public static final String SNS_PUBLISH_RATE = "snsPublishRate";
    public static final String WEBSOCKET_CONCURRENCY = "webSocketConcurrency";
    public static final String PUSH_CONCURRENCY = "pushConcurrency";
    public static final String EMAIL_CONCURRENCY = "emailConcurrency";
    public static final String ENRICHMENT_CONCURRENCY = "enrichmentConcurrency";
    public static final String QUEUE_AGE_ALARM_SECONDS = "queueAgeAlarmSeconds";

    public static final QueuedDelivery DEFAULTS = new QueuedDelivery(14, 10_000, 0.5, 300, 10, 5, 2, 10, 300);

    /** The processor and the fan-out: fixed, since their work is bounded per message and paced by nobody. */
    public static final int PROCESSOR_CONCURRENCY = 5;
    public static final int FANOUT_CONCURRENCY = 5;
    /** Wake-ups are small, and a burst of them (a digest window ending for many) is smoothed by the queue. */
    public static final int DUE_CONCURRENCY = 2;
    /** SQS event source mappings take a maximum concurrency from 2 to 1,000. */
    static final int MIN_MAPPING_CONCURRENCY = 2;
    static final int MAX_MAPPING_CONCURRENCY = 1000;

    /** What is wrong with these values, each as a sentence naming its context key; empty when nothing. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        positive(problems, SES_MAX_SEND_RATE, sesMaxSendRate);
        positive(problems, API_GATEWAY_ACCOUNT_RPS, apiGatewayAccountRps);
        positive(problems, SNS_PUBLISH_RATE, snsPublishRate);
        if (!(webSocketShare > 0 && webSocketShare <= 1)) {
            problems.add(WEBSOCKET_SHARE + " must be above 0 and at most 1 (a share of " + API_GATEWAY_ACCOUNT_RPS + "), got " + webSocketShare);
        }
        mapping(problems, WEBSOCKET_CONCURRENCY, webSocketConcurrency);
        mapping(problems, PUSH_CONCURRENCY, pushConcurrency);
        mapping(problems, EMAIL_CONCURRENCY, emailConcurrency);
        if (enrichmentConcurrency < 1) {
            problems.add(ENRICHMENT_CONCURRENCY + " must be 1 or more, got " + enrichmentConcurrency);
        }
        if (queueAgeAlarmSeconds < 60) {
            problems.add(QUEUE_AGE_ALARM_SECONDS + " must be 60 or more (CloudWatch's SQS metrics come every minute), got " + queueAgeAlarmSeconds);
        }
        return problems;
    }

    /** The channel's provider rate: SES's, a share of API Gateway's throttle, or SNS's. */
    double rate(HeraldFunction channel) {
        return switch (channel) {
            case EMAIL_CHANNEL -> sesMaxSendRate;
            case WEBSOCKET_CHANNEL -> apiGatewayAccountRps * webSocketShare;
            case PUSH_CHANNEL -> snsPublishRate;
            default -> throw new IllegalArgumentException(channel + " is not a channel");
        };
    }

    /** The maximum concurrency of a queued function's event source mapping. */
    int concurrency(HeraldFunction queued) {
        return switch (queued) {
            case EMAIL_CHANNEL -> emailConcurrency;
            case WEBSOCKET_CHANNEL -> webSocketConcurrency;
            case PUSH_CHANNEL -> pushConcurrency;
            case PROCESSOR -> PROCESSOR_CONCURRENCY;
            case FANOUT -> FANOUT_CONCURRENCY;
            case DUE -> DUE_CONCURRENCY;
            default -> throw new IllegalArgumentException(queued + " is not fed by a queue");
        };
    }

    /**
     * {@code HERALD_SEND_RATE} of a channel: its rate split over the mapping's maximum concurrency, since each
     * execution environment paces itself and at most that many run at once.
     */
    String sendRatePerEnvironment(HeraldFunction channel) {
        return Double.toString(rate(channel) / concurrency(channel));
    }

    /** How many of the account's concurrent executions the queued and asynchronous functions can take at most. */
    int cappedConcurrency() {
        return webSocketConcurrency + pushConcurrency + emailConcurrency + PROCESSOR_CONCURRENCY + FANOUT_CONCURRENCY + DUE_CONCURRENCY
                + enrichmentConcurrency;
    }

    private static void positive(List<String> problems, String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            problems.add(key + " must be a rate above 0, got " + value);
        }
    }

    private static void mapping(List<String> problems, String key, int value) {
        if (value < MIN_MAPPING_CONCURRENCY || value > MAX_MAPPING_CONCURRENCY) {
            problems.add(key + " must be from " + MIN_MAPPING_CONCURRENCY + " to " + MAX_MAPPING_CONCURRENCY
                    + " (an SQS event source mapping's maximum concurrency), got " + value);
        }
    }
}
