package io.limiter.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.time.DayOfWeek;
import java.util.Locale;

/**
 * The calendar window of a quota: a minute, hour, day, week (starting Monday, ISO-8601) or month of a time zone.
 * Boundaries follow the zone's rules: a day is the span between two local midnights (23 or 25 hours across a
 * daylight-saving change; where midnight does not exist, the first instant of the day), a month ends at the first
 * local midnight of the next month, whatever its length. Minutes and hours are counted on the instant timeline, so a
 * daylight-saving change never makes an hour window longer or shorter.
 */
public enum CalendarWindow {
    MINUTE, HOUR, DAY, WEEK, MONTH;

    /** One window: {@code [start, end)}. */
    public record Span(Instant start, Instant end) {
    }

    /** The lower-case name used in policies ({@code day}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The window of {@code zone} that contains {@code at}.
     *
     * @throws NullPointerException if an argument is null
     */
    public Span spanAt(Instant at, ZoneId zone) {
        ZonedDateTime local = at.atZone(zone);
        switch (this) {
            case MINUTE:
            case HOUR: {
                ChronoUnit unit = this == MINUTE ? ChronoUnit.MINUTES : ChronoUnit.HOURS;
                ZonedDateTime start = local.truncatedTo(unit);
                if (start.toInstant().isAfter(at)) {
                    // An overlap where truncating the local time lands in the later offset's hour.
                    start = start.withEarlierOffsetAtOverlap();
                }
                return new Span(start.toInstant(), start.plus(1, unit).toInstant());
            }
            case DAY:
                return days(local.toLocalDate(), local.toLocalDate().plusDays(1), zone);
            case WEEK: {
                LocalDate monday = local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                return days(monday, monday.plusWeeks(1), zone);
            }
            default: {
                LocalDate first = local.toLocalDate().withDayOfMonth(1);
                return days(first, first.plusMonths(1), zone);
            }
        }
    }

    private static Span days(LocalDate from, LocalDate to, ZoneId zone) {
        return new Span(from.atStartOfDay(zone).toInstant(), to.atStartOfDay(zone).toInstant());
    }

    /**
     * The window named {@code id} ({@code minute}, {@code hour}, {@code day}, {@code week}, {@code month}; any case).
     *
     * @throws InvalidPolicyException (field {@code window}) for any other text
     */
    public static CalendarWindow parse(String id) {
        for (CalendarWindow w : values()) {
            if (w.id().equalsIgnoreCase(id)) {
                return w;
            }
        }
        throw new InvalidPolicyException("window", id, LimitPolicy.Rules.WINDOW);
    }
}
