package dev.herald.local.aws;

import java.util.List;
import java.util.Optional;

/**
 * Where herald local keeps its schedules: in memory, or in a DynamoDB table so that they outlive a restart. Every
 * change is conditional on the version the caller read, so concurrent runners and API calls never overwrite each
 * other: the loser of a race gets {@code false} and reads again.
 */
public interface ScheduleStore {

    /** Adds {@code schedule}; false when one of that name exists. */
    boolean create(Schedule schedule);

    Optional<Schedule> get(String name);

    /** Every schedule, in name order. */
    List<Schedule> all();

    /** Replaces {@code expected} with {@code updated}; false when the stored one is no longer at {@code expected}'s version. */
    boolean replace(Schedule expected, Schedule updated);

    /** Removes {@code expected}; false when the stored one is gone or no longer at its version. */
    boolean remove(Schedule expected);

    static ScheduleStore inMemory() {
        return new InMemoryScheduleStore();
    }
}
