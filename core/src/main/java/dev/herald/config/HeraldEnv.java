package dev.herald.config;

/**
 * Every environment variable a Herald handler reads. The handlers read them through {@link HeraldConfig} and the
 * CDK stack sets them from this same list, so the two can never disagree on a name.
 */
public enum HeraldEnv {
    DELIVERIES_TABLE("HERALD_DELIVERIES_TABLE", "name of the deliveries table"),
    CONNECTIONS_TABLE("HERALD_CONNECTIONS_TABLE", "name of the WebSocket connections table"),
    RECIPIENTS_TABLE("HERALD_RECIPIENTS_TABLE", "name of the recipients table (profiles, devices, topics, suppressions)"),
    EVENT_BUS("HERALD_EVENT_BUS", "name of the EventBridge bus that carries Herald's own events (Delivery Status, Recipient Unsubscribed)"),
    AWS_ENDPOINT("HERALD_AWS_ENDPOINT", "endpoint that every AWS client talks to instead of AWS, e.g. http://127.0.0.1:8787 for herald local"),
    WEBSOCKET_CALLBACK_URL("HERALD_WEBSOCKET_CALLBACK_URL", "API Gateway Management API endpoint of the WebSocket stage"),
    SES_CONFIGURATION_SET("HERALD_SES_CONFIGURATION_SET", "SES configuration set used for every email"),
    UNSUBSCRIBE_URL("HERALD_UNSUBSCRIBE_URL", "base URL of the one-click unsubscribe endpoint, for List-Unsubscribe headers"),
    PROCESSOR_QUEUE_URL("HERALD_PROCESSOR_QUEUE_URL", "URL of the SQS queue of work units enrichment hands to the processor"),
    FANOUT_QUEUE_URL("HERALD_FANOUT_QUEUE_URL", "URL of the SQS queue of topic pages still to be read, consumed by the fan-out function"),
    WEBSOCKET_QUEUE_URL("HERALD_WEBSOCKET_QUEUE_URL", "URL of the SQS queue of the WebSocket channel's dispatches"),
    PUSH_QUEUE_URL("HERALD_PUSH_QUEUE_URL", "URL of the SQS queue of the push channel's dispatches"),
    EMAIL_QUEUE_URL("HERALD_EMAIL_QUEUE_URL", "URL of the SQS queue of the email channel's dispatches"),
    DUE_QUEUE_URL("HERALD_DUE_QUEUE_URL", "URL of the SQS queue of wake-ups for what waits (delays, digests, deferrals, escalations), "
            + "consumed by the due function"),
    DUE_QUEUE_ARN("HERALD_DUE_QUEUE_ARN", "ARN of the due queue: the target of EventBridge Scheduler's one-time schedules"),
    SCHEDULER_ROLE_ARN("HERALD_SCHEDULER_ROLE_ARN", "ARN of the role EventBridge Scheduler assumes to send a wake-up to the due queue"),
    SCHEDULER_DLQ_ARN("HERALD_SCHEDULER_DLQ_ARN", "ARN of the SQS queue where EventBridge Scheduler puts a wake-up it could not deliver"),
    SCHEDULE_GROUP("HERALD_SCHEDULE_GROUP", "EventBridge Scheduler schedule group of Herald's one-time schedules (default: default)"),
    SEND_RATE("HERALD_SEND_RATE", "sends per second one execution environment of a channel function may make to its provider; "
            + "unset or 0 for no pacing (the stack sets the channel's rate divided by its mapping's maximum concurrency)"),
    RETRY_BASE_SECONDS("HERALD_RETRY_BASE_SECONDS", "seconds a failed queue message first waits before its retry; each later retry waits twice as long"),
    JWT_SECRET("HERALD_JWT_SECRET", "HS256 secret for WebSocket tokens (local mode)"),
    JWT_ISSUER("HERALD_JWT_ISSUER", "expected issuer of WebSocket tokens"),
    JWT_AUDIENCE("HERALD_JWT_AUDIENCE", "expected audience of WebSocket tokens"),
    JWKS_URL("HERALD_JWKS_URL", "JWKS URL of the token issuer (RS256, cloud)"),
    SNS_APNS_APPLICATION_ARN("HERALD_SNS_APNS_APPLICATION_ARN", "ARN of the SNS platform application for APNs (production)"),
    SNS_APNS_SANDBOX_APPLICATION_ARN("HERALD_SNS_APNS_SANDBOX_APPLICATION_ARN", "ARN of the SNS platform application for the APNs sandbox"),
    SNS_GCM_APPLICATION_ARN("HERALD_SNS_GCM_APPLICATION_ARN", "ARN of the SNS platform application for Firebase Cloud Messaging (GCM)"),
    DELIVERY_RETENTION_DAYS("HERALD_DELIVERY_RETENTION_DAYS", "days a delivery record is kept before TTL removes it");

    private final String variable;
    private final String meaning;

    HeraldEnv(String variable, String meaning) {
        this.variable = variable;
        this.meaning = meaning;
    }

    /** The environment variable's name, e.g. {@code HERALD_DELIVERIES_TABLE}. */
    public String variable() {
        return variable;
    }

    /** What the variable holds, for error messages and docs. */
    public String meaning() {
        return meaning;
    }
}
