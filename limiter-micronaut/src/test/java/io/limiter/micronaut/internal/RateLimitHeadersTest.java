package io.limiter.micronaut.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.limiter.core.LimitPolicy;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rate-limit fields and Retry-After computed from a quota, without Redis. */
class RateLimitHeadersTest {
    private static final LimitPolicy BOTH = LimitPolicy.builder().concurrency(10).rate(100, Duration.ofSeconds(1))
            .burst(20).build();
    private static final HttpRoute ROUTE = new HttpRoute("r", "pay", List.of("/**"), List.of(), java.util.Set.of(), 1,
            Duration.ZERO, Duration.ofSeconds(2), false, java.util.Optional.empty(), false);

    private static MutableHttpResponse<?> write(RateLimitHeaders.Syntax syntax, Quota q, long retryAfter) {
        List<RateLimitHeaders.Item> items = new ArrayList<>();
        RateLimitHeaders.items(q, 1, retryAfter, items);
        MutableHttpResponse<?> r = HttpResponse.ok();
        RateLimitHeaders.write(syntax, items, r);
        return r;
    }

    @Test
    void aLimitWithBothPartsGetsTwoItems() {
        MutableHttpResponse<?> r = write(RateLimitHeaders.Syntax.DRAFT_10, new Quota("pay", BOTH, 3, 12.5), -1);
        assertThat(r.getHeaders().get("RateLimit-Policy"))
                .isEqualTo("\"pay\";q=20;w=1, \"pay.concurrent\";q=10;qu=\"concurrent-requests\"");
        assertThat(r.getHeaders().get("RateLimit")).isEqualTo("\"pay\";r=12;t=1, \"pay.concurrent\";r=7");
    }

    @Test
    void aDenialMarksTheShortPartWithRetryAfter() {
        Quota noTokens = new Quota("pay", BOTH, 3, 0.25);
        assertThat(QuotaReader.retryAfter(noTokens, ROUTE)).isEqualTo(1); // 0.75 tokens at 100/s: 7.5 ms, rounded up
        assertThat(write(RateLimitHeaders.Syntax.DRAFT_10, noTokens, 1).getHeaders().get("RateLimit"))
                .isEqualTo("\"pay\";r=0;t=1, \"pay.concurrent\";r=7");
        Quota noPermits = new Quota("pay", BOTH, 10, 15);
        assertThat(QuotaReader.retryAfter(noPermits, ROUTE)).isEqualTo(2); // the route's retry-after
        assertThat(write(RateLimitHeaders.Syntax.DRAFT_10, noPermits, 2).getHeaders().get("RateLimit"))
                .isEqualTo("\"pay\";r=15;t=1, \"pay.concurrent\";r=0;t=2");
    }

    @Test
    void aCalendarQuotaIsAnItemWithItsWindowAndTheSecondsUntilItResets() {
        LimitPolicy monthly = LimitPolicy.builder().concurrency(10)
                .quota(1000, io.limiter.core.CalendarWindow.MONTH).build();
        // 40 units left, the 30-day window ends in 3,600 s.
        Quota q = new Quota("api", monthly, 3, Double.NaN, 40, 30 * 86400, 3600);
        MutableHttpResponse<?> r = write(RateLimitHeaders.Syntax.DRAFT_10, q, -1);
        assertThat(r.getHeaders().get("RateLimit-Policy"))
                .isEqualTo("\"api.concurrent\";q=10;qu=\"concurrent-requests\", \"api.quota\";q=1000;w=2592000");
        assertThat(r.getHeaders().get("RateLimit")).isEqualTo("\"api.concurrent\";r=7, \"api.quota\";r=40;t=3600");
        Quota usedUp = new Quota("api", monthly, 3, Double.NaN, 0, 30 * 86400, 3600);
        assertThat(QuotaReader.retryAfter(usedUp, ROUTE)).isEqualTo(3600);
    }

    @Test
    void slowBucketsWaitForTheirToken() {
        LimitPolicy daily = LimitPolicy.builder().rate(1000, Duration.ofDays(1)).build();
        Quota q = new Quota("daily", daily, 0, 0.5);
        assertThat(QuotaReader.retryAfter(q, ROUTE)).isEqualTo(44); // half a token at 86.4 s per token
        assertThat(q.windowSeconds()).isEqualTo(86400);
        assertThat(q.secondsUntilFull()).isEqualTo(86357);
    }

    @Test
    void draft03ShowsTheItemWithTheLeastLeft() {
        MutableHttpResponse<?> r = write(RateLimitHeaders.Syntax.DRAFT_03, new Quota("pay", BOTH, 9, 12.5), -1);
        assertThat(r.getHeaders().get("RateLimit-Limit")).isEqualTo("10");
        assertThat(r.getHeaders().get("RateLimit-Remaining")).isEqualTo("1");
        assertThat(r.getHeaders().get("RateLimit-Reset")).isNull();
        assertThat(r.getHeaders().get("RateLimit")).isNull();
    }

    @Test
    void noneWritesNothing() {
        MutableHttpResponse<?> r = write(RateLimitHeaders.Syntax.NONE, new Quota("pay", BOTH, 3, 12.5), -1);
        assertThat(r.getHeaders().names()).isEmpty();
    }

    @Test
    void syntaxSetting() {
        assertThat(RateLimitHeaders.Syntax.parse("s", null)).isEqualTo(RateLimitHeaders.Syntax.DRAFT_10);
        assertThat(RateLimitHeaders.Syntax.parse("s", "Draft-03")).isEqualTo(RateLimitHeaders.Syntax.DRAFT_03);
        assertThat(RateLimitHeaders.Syntax.parse("s", "false")).isEqualTo(RateLimitHeaders.Syntax.NONE);
        assertThatThrownBy(() -> RateLimitHeaders.Syntax.parse("limiter.http.headers", "v9"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("limiter.http.headers must be one of draft-10, draft-03, none, was 'v9'");
    }
}
