package io.limiter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitPolicyConfigTest {

    @Test
    void concurrencyOnlyGetsTheDefaultLease() {
        LimitPolicy p = LimitPolicy.builder().concurrency(10).build();
        assertThat(p.hasConcurrency()).isTrue();
        assertThat(p.hasRate()).isFalse();
        assertThat(p.permits()).isEqualTo(10);
        assertThat(p.lease()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.rate()).isZero();
        assertThat(p.period()).isNull();
        assertThat(p.burst()).isZero();
    }

    @Test
    void rateOnlyBurstDefaultsToRate() {
        LimitPolicy p = LimitPolicy.builder().rate(100, Duration.ofSeconds(1)).build();
        assertThat(p.hasConcurrency()).isFalse();
        assertThat(p.lease()).isNull();
        assertThat(p.burst()).isEqualTo(100);
    }

    @Test
    void bothPartsAndEquality() {
        LimitPolicy p = LimitPolicy.builder().concurrency(10).lease(Duration.ofSeconds(5))
                .rate(100, Duration.ofSeconds(1)).burst(20).build();
        assertThat(p).isEqualTo(p.toBuilder().build()).hasSameHashCodeAs(p.toBuilder().build());
        assertThat(p.toString()).isEqualTo("LimitPolicy{permits=10, lease=PT5S, rate=100/PT1S, burst=20}");
    }

    @Test
    void aReusedBuilderNeverChangesABuiltPolicy() {
        LimitPolicy.Builder b = LimitPolicy.builder().concurrency(3);
        LimitPolicy first = b.build();
        b.concurrency(7);
        assertThat(first.permits()).isEqualTo(3);
        assertThat(b.build().permits()).isEqualTo(7);
    }

    @Test
    void durationsAreKeptToTheMillisecond() {
        LimitPolicy p = LimitPolicy.builder().concurrency(1).lease(Duration.ofNanos(1_500_000_999L)).build();
        assertThat(p.lease()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void permitsRule() {
        assertThatThrownBy(() -> LimitPolicy.builder().concurrency(0))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessage("permits must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> LimitPolicy.builder().concurrency(1_000_001))
                .hasMessage("permits must be between 1 and 1000000, was 1000001");
        assertThat(LimitPolicy.builder().concurrency(1_000_000).build().permits()).isEqualTo(1_000_000);
    }

    @Test
    void leaseRules() {
        assertThatThrownBy(() -> LimitPolicy.builder().lease(Duration.ofMillis(999)))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessage("lease must be between PT1S and PT24H, was PT0.999S");
        assertThatThrownBy(() -> LimitPolicy.builder().lease(Duration.ofHours(25)))
                .hasMessage("lease must be between PT1S and PT24H, was PT25H");
        assertThatThrownBy(() -> LimitPolicy.builder().lease(null))
                .isInstanceOf(NullPointerException.class).hasMessage("lease");
        assertThatThrownBy(() -> LimitPolicy.builder().lease(Duration.ofSeconds(5)).rate(1, Duration.ofSeconds(1))
                .build())
                .hasMessage("lease must be set only together with concurrency (permits), was PT5S");
    }

    @Test
    void rateRules() {
        assertThatThrownBy(() -> LimitPolicy.builder().rate(0, Duration.ofSeconds(1)))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessage("rate must be between 1 and 1000000000, was 0");
        assertThatThrownBy(() -> LimitPolicy.builder().rate(1_000_000_001L, Duration.ofSeconds(1)))
                .hasMessage("rate must be between 1 and 1000000000, was 1000000001");
        assertThatThrownBy(() -> LimitPolicy.builder().rate(1, Duration.ZERO))
                .hasMessage("period must be between PT0.001S and PT24H, was PT0S");
        assertThatThrownBy(() -> LimitPolicy.builder().rate(1, Duration.ofDays(2)))
                .hasMessage("period must be between PT0.001S and PT24H, was PT48H");
        assertThatThrownBy(() -> LimitPolicy.builder().rate(1, null))
                .isInstanceOf(NullPointerException.class).hasMessage("period");
    }

    @Test
    void burstRules() {
        assertThatThrownBy(() -> LimitPolicy.builder().burst(0))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessage("burst must be between 1 and 1000000000, was 0");
        assertThatThrownBy(() -> LimitPolicy.builder().burst(-5))
                .hasMessage("burst must be between 1 and 1000000000, was -5");
        assertThatThrownBy(() -> LimitPolicy.builder().concurrency(1).burst(5).build())
                .hasMessage("burst must be set only together with rate, was 5");
    }

    @Test
    void aPolicyNeedsAPart() {
        assertThatThrownBy(() -> LimitPolicy.builder().build())
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessage("policy must have a concurrency part (permits), a rate part (rate) or a quota, was 'empty'");
    }

    @Test
    void aLoneLeaseOrBurstIsToldTheirOwnRuleNotThatThePolicyIsEmpty() {
        // `limiter define x --lease 30s`: the field the user gave is the one to fix.
        assertThatThrownBy(() -> LimitPolicy.builder().lease(Duration.ofSeconds(30)).build())
                .hasMessage("lease must be set only together with concurrency (permits), was PT30S");
        assertThatThrownBy(() -> LimitPolicy.builder().burst(5).build())
                .hasMessage("burst must be set only together with rate, was 5");
    }

    @Test
    void exceptionsCarryFieldValueAndRule() {
        InvalidPolicyException e = (InvalidPolicyException) org.assertj.core.api.Assertions
                .catchThrowable(() -> LimitPolicy.builder().concurrency(-1));
        assertThat(e.field()).isEqualTo("permits");
        assertThat(e.value()).isEqualTo("-1");
        assertThat(e.rule()).isEqualTo("be between 1 and 1000000");
    }

    @Test
    void nameAndPrefixRules() {
        assertThat(LimitNames.requireValidName("payments.eu-1:v2_x")).isEqualTo("payments.eu-1:v2_x");
        assertThatThrownBy(() -> LimitNames.requireValidName("a{b}"))
                .isInstanceOf(LimiterValidationException.class)
                .hasMessage("name must match [A-Za-z0-9._:-]{1,128} and not be . or .., was 'a{b}'");
        assertThatThrownBy(() -> LimitNames.requireValidName(""))
                .hasMessage("name must match [A-Za-z0-9._:-]{1,128} and not be . or .., was ''");
        assertThatThrownBy(() -> LimitNames.requireValidName("x".repeat(129)))
                .hasMessageStartingWith("name must match [A-Za-z0-9._:-]{1,128} and not be . or .., was 'xxx");
        assertThatThrownBy(() -> LimitNames.requireValidName("with space"))
                .hasMessage("name must match [A-Za-z0-9._:-]{1,128} and not be . or .., was 'with space'");
        assertThatThrownBy(() -> LimitNames.requireValidName("."))
                .hasMessage("name must match [A-Za-z0-9._:-]{1,128} and not be . or .., was '.'");
        assertThatThrownBy(() -> LimitNames.requireValidName(".."))
                .hasMessage("name must match [A-Za-z0-9._:-]{1,128} and not be . or .., was '..'");
        assertThat(LimitNames.requireValidName("...")).isEqualTo("...");
        assertThatThrownBy(() -> LimitNames.requireValidName(null))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> LimitNames.requireValidPrefix("a*"))
                .hasMessage("keyPrefix must match [A-Za-z0-9._:-]{1,64}, was 'a*'");
    }
}
