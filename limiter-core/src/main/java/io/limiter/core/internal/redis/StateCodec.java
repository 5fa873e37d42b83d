package io.limiter.core.internal.redis;

import io.limiter.core.CorruptLimitException;
import io.limiter.core.InvalidPolicyException;
import io.limiter.core.LimitPolicy;
import io.limiter.core.PolicySchema;
import io.limiter.core.redis.Holder;
import io.limiter.core.redis.LimitState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Decodes what Redis holds for a limit: its stored policy hash and the {@code state} script's reply. Stateless. */
final class StateCodec {
    private StateCodec() {
    }

    /**
     * The policy stored as {@code flat} (field, value, ...).
     *
     * @throws CorruptLimitException if it is not a valid policy (written by something other than the limiter)
     */
    static LimitPolicy policy(String name, List<?> flat) {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            f.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        try {
            return PolicySchema.load(f);
        } catch (InvalidPolicyException e) {
            throw new CorruptLimitException(name, "its stored policy " + new TreeMap<>(f) + " breaks a rule: "
                    + e.getMessage());
        } catch (RuntimeException e) {
            throw new CorruptLimitException(name, "its stored policy " + new TreeMap<>(f) + " is not a policy");
        }
    }

    /** The {@code state} script's reply; empty if the limit is not defined. */
    static Optional<LimitState> state(String name, Object reply) {
        List<?> r = list(reply);
        if (number(r.get(0)) == 0) {
            return Optional.empty();
        }
        LimitPolicy policy = policy(name, list(r.get(2)));
        List<Holder> holders = new ArrayList<>();
        for (Object row : list(r.get(6))) {
            List<?> h = list(row);
            holders.add(new Holder((String) h.get(0), (String) h.get(4), (int) number(h.get(1)),
                    Instant.ofEpochMilli(number(h.get(2))), Instant.ofEpochMilli(number(h.get(3)))));
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        List<?> stats = list(r.get(5));
        for (int i = 0; i + 1 < stats.size(); i += 2) {
            counters.put((String) stats.get(i), Long.parseLong((String) stats.get(i + 1)));
        }
        String tokens = (String) r.get(4);
        Instant readAt = Instant.ofEpochMilli(number(r.get(1)));
        long quotaUsed = 0;
        Instant resetAt = null;
        if (policy.hasQuota()) {
            List<?> q = list(r.get(9));
            Object end = q.get(1);
            boolean live = end instanceof Number || (end instanceof String && !((String) end).isEmpty());
            quotaUsed = live ? number(q.get(0)) : 0;
            resetAt = live ? Instant.ofEpochMilli(number(end))
                    : policy.window().spanAt(readAt, policy.zone()).end();
        }
        return Optional.of(new LimitState(name, policy, readAt,
                number(r.get(3)), tokens == null || tokens.isEmpty() ? Double.NaN
                        : Double.parseDouble(tokens),
                Collections.unmodifiableList(holders), (int) number(r.get(7)),
                Collections.unmodifiableMap(counters), (int) number(r.get(8)), quotaUsed, resetAt));
    }

    private static List<?> list(Object reply) {
        return ExchangeCodec.list(reply);
    }

    private static long number(Object o) {
        return ExchangeCodec.number(o);
    }
}
