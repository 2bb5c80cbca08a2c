package dev.herald.local.aws;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** Schedules in memory, gone when herald local stops. Thread-safe: each conditional change is one atomic map operation. */
public final class InMemoryScheduleStore implements ScheduleStore {

    private final ConcurrentSkipListMap<String, Schedule> schedules = new ConcurrentSkipListMap<>();

    @Override
    public boolean create(Schedule schedule) {
        return schedules.putIfAbsent(schedule.name(), schedule) == null;
    }

    @Override
    public Optional<Schedule> get(String name) {
        return Optional.ofNullable(schedules.get(name));
    }

    @Override
    public List<Schedule> all() {
        return List.copyOf(schedules.values());
    }

    @Override
    public boolean replace(Schedule expected, Schedule updated) {
        Schedule current = schedules.get(expected.name());
        return current != null && current.version() == expected.version() && schedules.replace(expected.name(), current, updated);
    }

    @Override
    public boolean remove(Schedule expected) {
        Schedule current = schedules.get(expected.name());
        return current != null && current.version() == expected.version() && schedules.remove(expected.name(), current);
    }
}
