package dev.herald.recipient;

import java.time.LocalTime;
import java.time.ZonedDateTime;

/** A daily window in the recipient's own time zone; a window whose end is before its start runs past midnight. */
public record QuietHours(LocalTime start, LocalTime end) {

    public boolean contains(LocalTime time) {
        if (start.equals(end)) {
            return false;
        }
        return start.isBefore(end)
                ? !time.isBefore(start) && time.isBefore(end)
                : !time.isBefore(start) || time.isBefore(end);
    }

    /** When the window that contains {@code now} ends; {@code now} itself if it is outside the window. */
    public ZonedDateTime endAfter(ZonedDateTime now) {
        if (!contains(now.toLocalTime())) {
            return now;
        }
        ZonedDateTime end = now.with(this.end);
        return end.isAfter(now) ? end : end.plusDays(1);
    }
}
