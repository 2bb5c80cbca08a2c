package dev.herald.local.http;

import java.util.Optional;

/**
 * One group of routes on herald local's single port. An endpoint answers the calls it recognises and returns empty
 * for the others, so the server can ask each in turn.
 */
@FunctionalInterface
public interface HttpEndpoint {

    Optional<HttpReply> handle(HttpCall call);

    /**
     * Refuses one of this endpoint's calls from its head alone (method, path, headers; the body is empty), before the
     * server reads its body: a request without credentials, or one whose {@code Content-Length} is over the limit,
     * is answered without reading what it sends. Empty to go on.
     */
    default Optional<HttpReply> refuseBeforeBody(HttpCall head) {
        return Optional.empty();
    }
}
