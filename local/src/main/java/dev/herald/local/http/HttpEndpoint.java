package dev.herald.local.http;

import java.util.Optional;

/**
 * One group of routes on herald local's single port. An endpoint answers the calls it recognises and returns empty
 * for the others, so the server can ask each in turn.
 */
@FunctionalInterface
public interface HttpEndpoint {

    Optional<HttpReply> handle(HttpCall call);
}
