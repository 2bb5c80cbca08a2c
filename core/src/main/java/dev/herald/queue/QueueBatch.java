package dev.herald.queue;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What a Lambda event source mapping hands a function from an SQS queue: up to its batch size of messages. Only the
 * fields Herald reads are mapped; herald local's mapping builds the same JSON.
 */
public record QueueBatch(@JsonProperty("Records") List<Message> records) {

    public QueueBatch {
        records = records == null ? List.of() : List.copyOf(records);
    }

    /** One message: its id (for a partial batch failure), receipt handle (to change its visibility) and body. */
    public record Message(String messageId, String receiptHandle, String body, Map<String, String> attributes, String eventSource,
                          String eventSourceARN) {

        public static final String EVENT_SOURCE = "aws:sqs";

        public Message {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }

        /** How many times SQS has handed this message out, this time included. */
        public int receiveCount() {
            try {
                return Integer.parseInt(attributes.getOrDefault("ApproximateReceiveCount", "1"));
            } catch (NumberFormatException e) {
                return 1;
            }
        }
    }
}
