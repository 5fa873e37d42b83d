package io.limiter.core;

import io.limiter.core.part.ConcurrencyPart;
import io.limiter.core.part.Gauge;
import io.limiter.core.part.PolicyPart;
import io.limiter.core.part.QueueingPart;
import io.limiter.core.part.QuotaPart;
import io.limiter.core.part.TokenBucketPart;
import io.limiter.core.part.Values;
import io.limiter.core.redis.LimitState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one description of a policy: its parts and their fields, from which REST parsing, the command line's options,
 * declared limits, the dashboard's form (through {@code GET /api/schema}) and the README's policy table are derived.
 * Values arrive loose, as from JSON, configuration files or the command line; durations may be strings
 * ({@code 30s}, {@code PT30S}); every error names the field, the rule and the value, and the policy's own rules apply
 * after that.
 *
 * <p>Adding a kind of limit: a {@link PolicyPart} class, its Lua section, and one line in {@link #PARTS}.
 */
public final class PolicySchema {
    /** Every part, in the order forms and views show them; the options of the whole policy last. */
    public static final List<PolicyPart> PARTS = List.of(ConcurrencyPart.INSTANCE, TokenBucketPart.INSTANCE,
            QuotaPart.INSTANCE, QueueingPart.INSTANCE);
    /** Every field, in order. */
    public static final List<PolicyField> FIELDS = PARTS.stream().flatMap(p -> p.fields().stream()).toList();
    /** The names of {@link #FIELDS}. */
    public static final List<String> NAMES = FIELDS.stream().map(PolicyField::name).toList();
    /** The rule of a field that must be a whole number. */
    public static final String WHOLE = Values.WHOLE;
    /** The rule of a field that must be a boolean. */
    public static final String BOOLEAN = Values.BOOLEAN;

    private static final Map<String, PolicyField> BY_NAME = new LinkedHashMap<>();

    static {
        for (PolicyField f : FIELDS) {
            if (BY_NAME.put(f.name(), f) != null) {
                throw new IllegalStateException("two parts define policy field " + f.name());
            }
        }
    }

    private PolicySchema() {
    }

    /** The field named {@code name}, if a policy has it. */
    public static Optional<PolicyField> field(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /**
     * Parses a policy.
     *
     * @param fields field name to value ({@link Number}, {@link String}, {@link Boolean}; {@code null} = absent)
     * @param numbersAsText whether numbers may also be given as strings (configuration files, command lines)
     * @throws LimiterValidationException for an unknown field, a wrong type, or a broken policy rule
     */
    public static LimitPolicy parse(Map<String, ?> fields, boolean numbersAsText) {
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (!BY_NAME.containsKey(e.getKey())) {
                throw new LimiterValidationException(e.getKey(), e.getValue(),
                        "not be given: a policy has only the fields " + String.join(", ", NAMES));
            }
        }
        Values values = new Values(fields, numbersAsText, BY_NAME::get);
        for (PolicyField f : FIELDS) {
            values.check(f); // every value's type first, then the rules of the parts
        }
        LimitPolicy.Builder b = LimitPolicy.builder();
        for (PolicyPart part : PARTS) {
            part.read(values, b);
        }
        return b.build();
    }

    /** The fields of {@code policy} as plain values (durations as ISO-8601 text), absent parts left out. */
    public static Map<String, Object> of(LimitPolicy policy) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (PolicyPart part : PARTS) {
            if (part.in(policy)) {
                part.view(policy, m);
            }
        }
        return m;
    }

    /** The policy as field/value pairs of its hash in Redis (what the scripts store and read). */
    public static List<String> stored(LimitPolicy policy) {
        List<String> out = new ArrayList<>(16);
        for (PolicyPart part : PARTS) {
            if (part.in(policy)) {
                part.store(policy, out);
            }
        }
        return out;
    }

    /**
     * The policy stored as {@code fields} (the policy hash).
     *
     * @throws InvalidPolicyException if the stored values break a rule
     * @throws RuntimeException (number format, null) if they are not a policy
     */
    public static LimitPolicy load(Map<String, String> fields) {
        LimitPolicy.Builder b = LimitPolicy.builder();
        for (PolicyPart part : PARTS) {
            part.load(fields, b);
        }
        return b.build();
    }

    /** The gauges of every part {@code state}'s policy has, in part order. */
    public static List<Gauge> gauges(LimitState state) {
        List<Gauge> out = new ArrayList<>(3);
        for (PolicyPart part : PARTS) {
            part.gauge(state).ifPresent(out::add);
        }
        return out;
    }
}
