package dev.herald.delivery;

/** The reasons Herald records with SKIPPED, FAILED and waiting deliveries. Stable strings: dashboards and apps match on them. */
public final class DeliveryReason {
    public static final String NO_ADDRESS = "no_address";
    public static final String NO_DEVICE = "no_device";
    public static final String NO_PROFILE = "no_profile";
    public static final String OPTED_OUT = "opted_out";
    /** SKIPPED during quiet hours ({@code quietHours: inboxOnly}), or SCHEDULED until they end ({@code defer}). */
    public static final String QUIET_HOURS = "quiet_hours";
    public static final String RATE_LIMITED = "rate_limited";
    /** The publishing source sent more events of the type than its {@code sourceRateLimit} allows. */
    public static final String SOURCE_RATE_LIMITED = "source_rate_limited";
    public static final String SUPPRESSED = "suppressed";
    public static final String FALLBACK_USED = "fallback_used";
    public static final String NOT_NEEDED = "not_needed";
    public static final String NO_CONNECTION = "no_connection";
    public static final String CONNECTION_GONE = "connection_gone";
    public static final String ENDPOINT_DISABLED = "endpoint_disabled";
    public static final String MESSAGE_REJECTED = "message_rejected";
    public static final String TEMPLATE_MISSING = "template_missing";
    public static final String TOO_LARGE = "too_large";
    public static final String INVALID_EVENT = "invalid_event";
    /** The event names more recipients than its type's {@code maxRecipients}; the whole event is refused. */
    public static final String TOO_MANY_RECIPIENTS = "too_many_recipients";
    /** An address in the event is outside its type's {@code allowedDomains}; the whole event is refused. */
    public static final String DOMAIN_NOT_ALLOWED = "domain_not_allowed";
    /** The event's recipient field is missing or empty. */
    public static final String MISSING_RECIPIENT = "missing_recipient";
    /** The event matched a rule whose type the catalog no longer has. */
    public static final String UNKNOWN_TYPE = "unknown_type";
    public static final String TRANSIENT_ERROR = "transient_error";
    /** The provider (or the channel's own pacing) was busy: the delivery waits in its queue for a later send, never a DLQ. */
    public static final String THROTTLED = "throttled";
    public static final String RETRIES_EXHAUSTED = "retries_exhausted";
    /** The email was sent, and then bounced permanently (SES bounce event). */
    public static final String BOUNCED = "bounced";
    /** SCHEDULED: the type's {@code delay} or {@code sendAt} holds the delivery until its due time. */
    public static final String DELAYED = "delayed";
    /** SCHEDULED: the channel waits ({@code after}) behind the in-app item. */
    public static final String ESCALATION = "escalation";
    /** SKIPPED: an event named by the type's {@code cancelOn} withdrew the delivery while it waited. */
    public static final String CANCELLED = "cancelled";
    /** SKIPPED: the recipient read the in-app item before the channel's escalation was due ({@code unlessRead}). */
    public static final String READ_IN_APP = "read_in_app";
    /** SKIPPED: an earlier event of the type with the same idempotency key was already notified. */
    public static final String DUPLICATE = "duplicate";
    /** The email was delivered, and the recipient marked it as spam (SES complaint event). */
    public static final String COMPLAINED = "complained";

    private DeliveryReason() {
    }
}
