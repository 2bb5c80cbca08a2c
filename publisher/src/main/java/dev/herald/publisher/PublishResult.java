package dev.herald.publisher;

import java.util.List;

/**
 * The outcome of one {@code publish} call.
 *
 * @param eventIds the EventBridge event id of each published notification, in input order ({@code null} where it failed)
 * @param failed   the notifications that could not be published, with the reason
 */
public record PublishResult(List<String> eventIds, List<FailedEntry> failed) {

    public PublishResult {
        eventIds = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(eventIds));
        failed = List.copyOf(failed);
    }

    public boolean allPublished() {
        return failed.isEmpty();
    }
}
