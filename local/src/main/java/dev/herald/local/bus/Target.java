package dev.herald.local.bus;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

/**
 * A function the bus can invoke asynchronously, as Lambda would: a handler that reads its JSON input from a stream.
 * {@code onSuccess} names the target that receives Lambda's on-success destination record (the request and the
 * response payload), as the enrichment function hands over to the processor; null for none.
 */
public record Target(String name, RequestStreamHandler handler, String onSuccess) {

    public static Target of(String name, RequestStreamHandler handler) {
        return new Target(name, handler, null);
    }
}
