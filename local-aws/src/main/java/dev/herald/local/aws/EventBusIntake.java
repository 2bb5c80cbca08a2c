package dev.herald.local.aws;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the EventBridge stand-in puts each PutEvents entry once the request's shape has passed: herald local's bus,
 * or a recording one in tests. It checks the entry's values as EventBridge does and answers per entry.
 */
@FunctionalInterface
public interface EventBusIntake {

    /** One entry's outcome: an event id, or EventBridge's error code and message. */
    record Result(String eventId, String errorCode, String errorMessage) {

        public static Result accepted(String eventId) {
            return new Result(eventId, null, null);
        }

        public static Result failed(String errorCode, String errorMessage) {
            return new Result(null, errorCode, errorMessage);
        }

        public boolean ok() {
            return eventId != null;
        }
    }

    /** Puts entry {@code index} of a PutEvents request ({@code Source}, {@code DetailType}, {@code Detail} as JSON text, ...). */
    Result put(JsonNode entry, int index);
}
