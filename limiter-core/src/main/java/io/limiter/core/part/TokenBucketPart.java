package io.limiter.core.part;

import io.limiter.core.InvalidPolicyException;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimitPolicy.Rules;
import io.limiter.core.PolicyField;
import io.limiter.core.redis.LimitState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A token bucket of {@code burst} tokens refilled at {@code rate} tokens per {@code period}. */
public final class TokenBucketPart extends PolicyPart {
    public static final TokenBucketPart INSTANCE = new TokenBucketPart();
    /** The period of a rate given without one. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);
    static final String PERIOD_NEEDS_RATE = "be set only together with rate";

    private static final List<PolicyField> FIELDS = List.of(
            PolicyField.integer("rate", "rate", "tokens", 1, Rules.MAX_RATE, Rules.RATE,
                    "Tokens added to the bucket per period."),
            PolicyField.duration("period", "rate", Rules.MIN_PERIOD.toString(), Rules.MAX_PERIOD.toString(),
                    DEFAULT_PERIOD.toString(), Rules.PERIOD, "The refill period of the rate."),
            new PolicyField("burst", "rate", PolicyField.Type.INTEGER, "tokens", 1L, Rules.MAX_BURST, "rate",
                    List.of(), Rules.BURST, "Bucket capacity: the most tokens taken at once after a quiet time "
                            + "(default: the rate)."));

    private TokenBucketPart() {
        super("rate", "Token bucket");
    }

    @Override
    public String luaSection() {
        return "part_bucket";
    }

    @Override
    public List<PolicyField> fields() {
        return FIELDS;
    }

    @Override
    public boolean in(LimitPolicy policy) {
        return policy.hasRate();
    }

    @Override
    public void read(Values v, LimitPolicy.Builder b) {
        Long rate = v.whole("rate");
        Duration period = v.duration("period");
        if (rate != null) {
            b.rate(rate, period != null ? period : DEFAULT_PERIOD);
        } else if (period != null) {
            throw new InvalidPolicyException("period", v.raw("period"), PERIOD_NEEDS_RATE);
        }
        Long burst = v.whole("burst");
        if (burst != null) {
            b.burst(burst);
        }
    }

    @Override
    public void view(LimitPolicy p, Map<String, Object> out) {
        out.put("rate", p.rate());
        out.put("period", p.period().toString());
        out.put("burst", p.burst());
    }

    @Override
    public void store(LimitPolicy p, List<String> out) {
        out.addAll(List.of("rate", Long.toString(p.rate()), "period_ms", Long.toString(p.period().toMillis()),
                "burst", Long.toString(p.burst())));
    }

    @Override
    public void load(Map<String, String> stored, LimitPolicy.Builder b) {
        if (stored.containsKey("rate")) {
            b.rate(Long.parseLong(stored.get("rate")), Duration.ofMillis(Long.parseLong(stored.get("period_ms"))))
                    .burst(Long.parseLong(stored.get("burst")));
        }
    }

    @Override
    public Optional<Gauge> gauge(LimitState s) {
        LimitPolicy p = s.policy();
        return p.hasRate()
                ? Optional.of(new Gauge(name(), "tokens used", Math.max(0, p.burst() - s.tokens()), p.burst(), null))
                : Optional.empty();
    }
}
