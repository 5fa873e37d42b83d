package io.limiter.core.part;

import io.limiter.core.LimitPolicy;
import io.limiter.core.LimitPolicy.Rules;
import io.limiter.core.PolicyField;
import io.limiter.core.redis.LimitState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** At most {@code permits} permits in use at once cluster-wide, each held under a renewable lease. */
public final class ConcurrencyPart extends PolicyPart {
    public static final ConcurrencyPart INSTANCE = new ConcurrencyPart();

    private static final List<PolicyField> FIELDS = List.of(
            new PolicyField("permits", "concurrency", PolicyField.Type.INTEGER, "permits", 1L,
                    (long) Rules.MAX_PERMITS, null, List.of(), Rules.PERMITS,
                    "Permits (weight) in use at once, cluster-wide."),
            new PolicyField("lease", "concurrency", PolicyField.Type.DURATION, null, Rules.MIN_LEASE.toString(),
                    Rules.MAX_LEASE.toString(), LimitPolicy.DEFAULT_LEASE.toString(), List.of(), Rules.LEASE,
                    "How long a permit stays held without renewal (clients renew automatically)."));

    private ConcurrencyPart() {
        super("concurrency", "Concurrency");
    }

    @Override
    public String luaSection() {
        return "part_concurrency";
    }

    @Override
    public List<PolicyField> fields() {
        return FIELDS;
    }

    @Override
    public boolean in(LimitPolicy policy) {
        return policy.hasConcurrency();
    }

    @Override
    public void read(Values v, LimitPolicy.Builder b) {
        Integer permits = v.wholeInt("permits");
        if (permits != null) {
            b.concurrency(permits);
        }
        Duration lease = v.duration("lease");
        if (lease != null) {
            b.lease(lease);
        }
    }

    @Override
    public void view(LimitPolicy p, Map<String, Object> out) {
        out.put("permits", p.permits());
        out.put("lease", p.lease().toString());
    }

    @Override
    public void store(LimitPolicy p, List<String> out) {
        out.addAll(List.of("permits", Integer.toString(p.permits()), "lease_ms", Long.toString(p.lease().toMillis())));
    }

    @Override
    public void load(Map<String, String> stored, LimitPolicy.Builder b) {
        if (stored.containsKey("permits")) {
            b.concurrency(Integer.parseInt(stored.get("permits")))
                    .lease(Duration.ofMillis(Long.parseLong(stored.get("lease_ms"))));
        }
    }

    @Override
    public Optional<Gauge> gauge(LimitState s) {
        LimitPolicy p = s.policy();
        return p.hasConcurrency()
                ? Optional.of(new Gauge(name(), "permits", s.permitsInUse(), p.permits(), null))
                : Optional.empty();
    }
}
