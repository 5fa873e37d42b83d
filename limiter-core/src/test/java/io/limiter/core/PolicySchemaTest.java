package io.limiter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySchemaTest {

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void parsesEveryFieldAndDefaultsThePeriod() {
        LimitPolicy p = PolicySchema.parse(fields("permits", 10, "lease", "PT20S", "rate", 100L, "burst", 20,
                "fair", true), false);
        assertThat(p).isEqualTo(LimitPolicy.builder().concurrency(10).lease(Duration.ofSeconds(20))
                .rate(100, Duration.ofSeconds(1)).burst(20).fair(true).build());
        assertThat(PolicySchema.of(p)).containsEntry("permits", 10).containsEntry("lease", "PT20S")
                .containsEntry("period", "PT1S").containsEntry("fair", true);
        assertThat(PolicySchema.parse(fields("permits", new BigDecimal("3.0")), false).permits()).isEqualTo(3);
    }

    @Test
    void numbersAsTextOnlyWhenAllowed() {
        assertThat(PolicySchema.parse(fields("permits", "4", "fair", "true"), true).permits()).isEqualTo(4);
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", "4"), false))
                .hasMessage("permits must be a whole number, was '4'");
    }

    @Test
    void exactMessagesForTypesAndUnknownFields() {
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", 1.5), false))
                .isInstanceOf(LimiterValidationException.class).hasMessage("permits must be a whole number, was 1.5");
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", 1, "lease", 30), false))
                .hasMessage("lease must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was 30");
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", 1, "fair", "yes"), true))
                .hasMessage("fair must be true or false, was 'yes'");
        assertThatThrownBy(() -> PolicySchema.parse(fields("period", "1s", "permits", 1), false))
                .hasMessage("period must be set only together with rate, was '1s'");
        assertThatThrownBy(() -> PolicySchema.parse(fields("size", 3), false))
                .hasMessage("size must not be given: a policy has only the fields permits, lease, rate, period, "
                        + "burst, quota, window, zone, fair, keyed, was 3");
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", 5_000_000_000L), false))
                .hasMessage("permits must be between 1 and 1000000, was 5000000000");
    }

    @Test
    void durations() {
        assertThat(Durations.parse("d", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("d", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("d", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("d", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("d", "1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("d", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> Durations.parse("timeout", "5 minutes"))
                .hasMessage("timeout must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was '5 minutes'");
        assertThatThrownBy(() -> Durations.parse("timeout", "P"))
                .hasMessage("timeout must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was 'P'");
    }

    @Test
    void hugeOrInfiniteNumbersBreakTheFieldsRangeRule() {
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", new BigDecimal("1e400")), false))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessage("permits must be between 1 and 1000000, was 1E+400");
        assertThatThrownBy(() -> PolicySchema.parse(fields("rate", new BigDecimal("-1e400")), false))
                .hasMessage("rate must be between 1 and 1000000000, was -1E+400");
        assertThatThrownBy(() -> PolicySchema.parse(fields("rate", 1, "burst", Double.POSITIVE_INFINITY), false))
                .hasMessage("burst must be between 1 and 1000000000, was Infinity");
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", Double.NaN), false))
                .hasMessage("permits must be a whole number, was NaN");
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", new BigInteger("9223372036854775808")), false))
                .hasMessage("permits must be between 1 and 1000000, was 9223372036854775808");
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", "9223372036854775808"), true))
                .hasMessage("permits must be between 1 and 1000000, was '9223372036854775808'");
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", new BigDecimal("1e-1000000000")), false))
                .hasMessage("permits must be a whole number, was 1E-1000000000");
    }

    @Test
    void fractionsAreRejectedHoweverCloseToAWholeNumber() {
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", new BigDecimal("0.99999999999999999")), false))
                .hasMessage("permits must be a whole number, was 0.99999999999999999");
        assertThat(PolicySchema.parse(fields("permits", new BigDecimal("2.000")), false).permits()).isEqualTo(2);
        assertThat(PolicySchema.parse(fields("permits", new BigDecimal("3E+0")), false).permits()).isEqualTo(3);
    }

    @Test
    void textIsTakenAsItIsWithoutTrimming() {
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", " 4"), true))
                .hasMessage("permits must be a whole number, was ' 4'");
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", 1, "fair", "true "), true))
                .hasMessage("fair must be true or false, was 'true '");
        assertThatThrownBy(() -> Durations.parse("lease", "PT1S\u0000"))
                .hasMessage("lease must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was 'PT1S\u0000'");
        assertThatThrownBy(() -> Durations.parse("lease", " 1s"))
                .hasMessage("lease must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was ' 1s'");
    }

    @Test
    void hugeDurationsBreakTheRangeRule() {
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", 1, "lease", "9223372036854775807s"), false))
                .hasMessage("lease must be between PT1S and PT24H, was PT2562047788015215H30M7S");
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", 1, "lease", "9223372036854775808s"), false))
                .hasMessage("lease must be between PT1S and PT24H, was '9223372036854775808s'");
        assertThatThrownBy(() -> PolicySchema.parse(fields("rate", 1, "period", "PT99999999999999999999S"), false))
                .hasMessage("period must be between PT0.001S and PT24H, was 'PT99999999999999999999S'");
        assertThatThrownBy(() -> PolicySchema.parse(fields("permits", 1, "lease", "PT9223372036854775807S"), false))
                .hasMessage("lease must be between PT1S and PT24H, was PT2562047788015215H30M7S");
        assertThatThrownBy(() -> Durations.parse("timeout", "999999999999999d"))
                .hasMessage("timeout must be at most 106751991167300d, was '999999999999999d'");
        assertThat(Durations.parse("timeout", "106751991167300d")).isEqualTo(Duration.ofDays(106751991167300L));
    }

    @Test
    void fairShowsInToStringAndEquality() {
        LimitPolicy fair = LimitPolicy.builder().concurrency(2).fair(true).build();
        assertThat(fair.fair()).isTrue();
        assertThat(fair).isNotEqualTo(LimitPolicy.builder().concurrency(2).build());
        assertThat(fair.toString()).isEqualTo("LimitPolicy{permits=2, lease=PT30S, fair}");
        assertThat(fair.toBuilder().build()).isEqualTo(fair);
    }
}
