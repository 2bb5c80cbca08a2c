package dev.herald.recipient.preferences;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.store.HeraldTables;
import dev.herald.store.Items;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The marks that announce preference changes: an item in the deliveries table ({@code #prefs#<recipient>} /
 * {@code <time>#<id>}) holding the event's detail, written in the same transaction as the change, so that the
 * table's stream turns it into {@code Recipient Preferences Changed} and no change goes unannounced. The item only
 * has to live until the stream has been read (24 hours at most), so it expires soon after.
 */
public final class PreferencesChangedMarks {

    /** The attribute holding the event's detail (JSON); the stream filter and the status function key on it. */
    public static final String DETAIL = "preferencesChanged";
    /** Longer than a stream keeps its records. */
    static final Duration TTL = Duration.ofDays(2);
    private static final String PK = HeraldTables.DELIVERIES.partitionKey();
    private static final String SK = HeraldTables.DELIVERIES.sortKey().orElseThrow();
    private static final String PREFIX = "#prefs#";

    private final String deliveriesTable;

    public PreferencesChangedMarks(String deliveriesTable) {
        this.deliveriesTable = deliveriesTable;
    }

    /** The write of one mark, new by construction (its sort key holds a random id). */
    public TransactWriteItem mark(PreferencesChangedEvent event) {
        Map<String, AttributeValue> item = Items.item()
                .s(PK, PREFIX + event.recipientId())
                .s(SK, event.at() + "#" + UUID.randomUUID())
                .s(DETAIL, Json.write(event))
                .n(HeraldTables.TTL, event.at().plus(TTL).getEpochSecond())
                .build();
        return TransactWriteItem.builder().put(p -> p.tableName(deliveriesTable).item(item)
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", PK))).build();
    }

    /**
     * The detail a stream record announces: a mark newly written (an insert); empty for anything else, including
     * the mark's expiry.
     *
     * @param change the record's {@code dynamodb} object, with new and old images
     */
    public static Optional<String> announced(JsonNode change) {
        JsonNode detail = change.path("NewImage").path(DETAIL).path("S");
        if (!detail.isTextual() || change.path("OldImage").has(DETAIL)) {
            return Optional.empty();
        }
        return Optional.of(detail.asText());
    }
}
