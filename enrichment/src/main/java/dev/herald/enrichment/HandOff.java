package dev.herald.enrichment;

import dev.herald.dispatch.EnrichedEvent;
import dev.herald.dispatch.ResolvedRecipient;
import dev.herald.json.Json;
import dev.herald.lambda.LambdaLimits;
import java.util.List;

/**
 * The one Lambda on-success destination record that carries enrichment's result to the processor. The record holds
 * the request payload, the response payload and some context, and Lambda drops a record over its asynchronous payload
 * limit without a trace (only {@code DestinationDeliveryFailures} counts it). So enrichment measures what it would
 * hand over and refuses, with a reason, a result that would not fit.
 */
final class HandOff {

    /**
     * The record's fields beside its two payloads (version, timestamp, request id, function ARN, condition, invoke
     * count, status code, executed version) come to about 400 bytes; this leaves room for long function names.
     */
    static final int RECORD_CONTEXT_BYTES = 4096;

    private final int requestBytes;

    /** @param requestBytes the size of the request enrichment handles, which the record repeats */
    HandOff(int requestBytes) {
        this.requestBytes = requestBytes;
    }

    /** The record's size with {@code result} as its response payload. */
    long recordBytes(EnrichedEvent result) {
        return (long) requestBytes + RECORD_CONTEXT_BYTES + Json.writeBytes(result).length;
    }

    boolean fits(EnrichedEvent result) {
        return recordBytes(result) <= LambdaLimits.ASYNC_PAYLOAD_BYTES;
    }

    /** Bytes left for recipients in a result that carries {@code withoutRecipients}'s event and data. */
    long recipientBudget(EnrichedEvent withoutRecipients) {
        return LambdaLimits.ASYNC_PAYLOAD_BYTES - recordBytes(withoutRecipients);
    }

    /** What a recipient adds to the result (and a comma). */
    static int bytes(ResolvedRecipient recipient) {
        return Json.writeBytes(recipient).length + 1;
    }

    /** The fewest bytes a recipient with this id adds to the result: no profile, devices or address. */
    static int minimumBytes(String recipientId) {
        return bytes(new ResolvedRecipient(recipientId, null, List.of(), null, false));
    }
}
