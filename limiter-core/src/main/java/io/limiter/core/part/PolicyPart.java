package io.limiter.core.part;

import io.limiter.core.LimitPolicy;
import io.limiter.core.PolicyField;
import io.limiter.core.redis.LimitState;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One kind of limit a policy can combine with others (concurrency, token bucket, calendar quota), or the options of
 * the whole policy. A part owns its fields (validation and the schema every surface is built from), its codec to the
 * policy hash in Redis, and its gauge; its Lua section ({@code part_<name>.lua}) owns its check, commit and state in
 * the scripts. Registered once in {@link io.limiter.core.PolicySchema#PARTS}.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public abstract class PolicyPart {
    private final String name;
    private final String label;

    protected PolicyPart(String name, String label) {
        this.name = name;
        this.label = label;
    }

    /** The part's name in the schema ({@code quota}). */
    public final String name() {
        return name;
    }

    /** A short title for forms and tables ({@code Calendar quota}). */
    public final String label() {
        return label;
    }

    /** The resource name of the part's Lua section ({@code part_quota}, next to the scripts). */
    public abstract String luaSection();

    /** The part's fields, in the order forms show them. */
    public abstract List<PolicyField> fields();

    /** Whether {@code policy} has this part. */
    public abstract boolean in(LimitPolicy policy);

    /** Reads this part's fields from loose values into {@code builder}; each setter checks its own rule. */
    public abstract void read(Values values, LimitPolicy.Builder builder);

    /** Writes this part's fields of {@code policy} as plain values (numbers, booleans, ISO-8601 text). */
    public abstract void view(LimitPolicy policy, Map<String, Object> out);

    /** Appends this part's stored fields of {@code policy} as field/value pairs of the policy hash. */
    public abstract void store(LimitPolicy policy, List<String> out);

    /**
     * Reads this part from the stored policy hash into {@code builder}, if it is there.
     *
     * @throws RuntimeException (number format, null, invalid policy) for stored data that is not this part
     */
    public abstract void load(Map<String, String> stored, LimitPolicy.Builder builder);

    /** This part's gauge in {@code state}, if the policy has the part and it has something to show. */
    public Optional<Gauge> gauge(LimitState state) {
        return Optional.empty();
    }

    @Override
    public String toString() {
        return name;
    }
}
