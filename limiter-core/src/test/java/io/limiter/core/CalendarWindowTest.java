package io.limiter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CalendarWindowTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static CalendarWindow.Span span(CalendarWindow w, String at, String zone) {
        return w.spanAt(Instant.parse(at), ZoneId.of(zone));
    }

    @Test
    void aDayRunsFromLocalMidnightToLocalMidnightAcrossDaylightSavingChanges() {
        // Spring forward in Berlin (29 March 2026): the day has 23 hours.
        CalendarWindow.Span spring = span(CalendarWindow.DAY, "2026-03-29T12:00:00Z", "Europe/Berlin");
        assertThat(spring.start()).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));
        assertThat(spring.end()).isEqualTo(Instant.parse("2026-03-29T22:00:00Z"));
        assertThat(Duration.between(spring.start(), spring.end())).isEqualTo(Duration.ofHours(23));
        // Fall back (25 October 2026): 25 hours.
        CalendarWindow.Span fall = span(CalendarWindow.DAY, "2026-10-25T05:00:00Z", "Europe/Berlin");
        assertThat(Duration.between(fall.start(), fall.end())).isEqualTo(Duration.ofHours(25));
        assertThat(fall.end()).isEqualTo(Instant.parse("2026-10-25T23:00:00Z"));
    }

    @Test
    void aDayWhoseMidnightDoesNotExistStartsAtItsFirstInstant() {
        // Sao Paulo started daylight saving at midnight on 4 November 2018: the day began at 01:00 local.
        CalendarWindow.Span s = span(CalendarWindow.DAY, "2018-11-04T12:00:00Z", "America/Sao_Paulo");
        assertThat(s.start()).isEqualTo(Instant.parse("2018-11-04T03:00:00Z"));
        assertThat(Duration.between(s.start(), s.end())).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void monthsHaveTheirOwnLengthsIncludingFebruaryInLeapYears() {
        assertThat(length(span(CalendarWindow.MONTH, "2026-02-10T00:00:00Z", "UTC"))).isEqualTo(Duration.ofDays(28));
        assertThat(length(span(CalendarWindow.MONTH, "2028-02-29T23:59:59Z", "UTC"))).isEqualTo(Duration.ofDays(29));
        assertThat(length(span(CalendarWindow.MONTH, "2026-01-31T12:00:00Z", "UTC"))).isEqualTo(Duration.ofDays(31));
        // March in Berlin loses an hour to daylight saving.
        CalendarWindow.Span march = span(CalendarWindow.MONTH, "2026-03-15T00:00:00Z", "Europe/Berlin");
        assertThat(march.start()).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
        assertThat(march.end()).isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
        assertThat(length(march)).isEqualTo(Duration.ofDays(31).minusHours(1));
    }

    @Test
    void weeksStartOnMondayAtLocalMidnight() {
        // Wednesday 2 December 2026, 10:00 in New York.
        CalendarWindow.Span w = span(CalendarWindow.WEEK, "2026-12-02T15:00:00Z", "America/New_York");
        assertThat(w.start()).isEqualTo(Instant.parse("2026-11-30T05:00:00Z"));
        assertThat(w.end()).isEqualTo(Instant.parse("2026-12-07T05:00:00Z"));
    }

    @Test
    void hoursAndMinutesFollowTheZonesOffsetAndNeverStretchAcrossAChange() {
        CalendarWindow.Span kolkata = span(CalendarWindow.HOUR, "2026-12-02T10:10:00Z", "Asia/Kolkata");
        assertThat(kolkata.start()).isEqualTo(Instant.parse("2026-12-02T09:30:00Z"));
        assertThat(length(kolkata)).isEqualTo(Duration.ofHours(1));
        // The repeated hour when Berlin falls back: two distinct one-hour windows.
        CalendarWindow.Span first = span(CalendarWindow.HOUR, "2026-10-25T00:30:00Z", "Europe/Berlin");
        CalendarWindow.Span second = span(CalendarWindow.HOUR, "2026-10-25T01:30:00Z", "Europe/Berlin");
        assertThat(first.end()).isEqualTo(second.start());
        assertThat(length(first)).isEqualTo(Duration.ofHours(1));
        assertThat(length(second)).isEqualTo(Duration.ofHours(1));
        CalendarWindow.Span minute = span(CalendarWindow.MINUTE, "2026-12-02T10:10:59.999Z", "UTC");
        assertThat(minute.start()).isEqualTo(Instant.parse("2026-12-02T10:10:00Z"));
        assertThat(minute.end()).isEqualTo(Instant.parse("2026-12-02T10:11:00Z"));
    }

    @Test
    void everyInstantBelongsToExactlyOneWindowAndTheBoundaryToTheNextOne() {
        for (CalendarWindow w : CalendarWindow.values()) {
            Instant at = Instant.parse("2026-10-25T00:59:59.999Z");
            CalendarWindow.Span s = w.spanAt(at, BERLIN);
            assertThat(s.start()).isBeforeOrEqualTo(at);
            assertThat(s.end()).isAfter(at);
            assertThat(w.spanAt(s.end(), BERLIN).start()).as(w.id()).isEqualTo(s.end());
        }
    }

    @Test
    void parseNamesTheFieldAndTheChoices() {
        assertThat(CalendarWindow.parse("Month")).isEqualTo(CalendarWindow.MONTH);
        assertThatThrownBy(() -> CalendarWindow.parse("fortnight"))
                .hasMessage("window must be one of minute, hour, day, week, month, was 'fortnight'");
    }

    private static Duration length(CalendarWindow.Span s) {
        return Duration.between(s.start(), s.end());
    }
}
