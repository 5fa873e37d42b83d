package io.limiter.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds a {@link LimitPolicy} from loose fields, as they come from JSON, configuration files or the command line:
 * {@code permits}, {@code lease}, {@code rate}, {@code period} (default 1s when a rate is given), {@code burst} and
 * {@code fair}.
 * Durations may be strings ({@code 30s}, {@code PT30S}); every error names the field, the rule and the value, and
 * the policy's own rules apply after that.
 */
public final class PolicyFields {
    /** The fields a policy has, in order. */
    public static final List<String> NAMES = List.of("permits", "lease", "rate", "period", "burst", "fair");
    /** The rule of a field that must be a whole number. */
    public static final String WHOLE = "be a whole number";
    /** The rule of a field that must be a boolean. */
    public static final String BOOLEAN = "be true or false";

    /** A whole number as text: an optional minus and digits, nothing around them. */
    private static final Pattern WHOLE_TEXT = Pattern.compile("-?[0-9]+");

    private PolicyFields() {
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
            if (!NAMES.contains(e.getKey())) {
                throw new LimiterValidationException(e.getKey(), e.getValue(),
                        "not be given: a policy has only the fields " + String.join(", ", NAMES));
            }
        }
        Long permits = whole("permits", fields.get("permits"), numbersAsText);
        Duration lease = duration("lease", fields.get("lease"));
        Long rate = whole("rate", fields.get("rate"), numbersAsText);
        Duration period = duration("period", fields.get("period"));
        Long burst = whole("burst", fields.get("burst"), numbersAsText);
        boolean fair = bool("fair", fields.get("fair"), numbersAsText);

        LimitPolicy.Builder b = LimitPolicy.builder();
        if (permits != null) {
            if (permits < Integer.MIN_VALUE || permits > Integer.MAX_VALUE) {
                throw new InvalidPolicyException("permits", permits, LimitPolicy.Rules.PERMITS);
            }
            b.concurrency(permits.intValue());
        }
        if (lease != null) {
            b.lease(lease);
        }
        if (rate != null) {
            b.rate(rate, period != null ? period : Duration.ofSeconds(1));
        } else if (period != null) {
            throw new InvalidPolicyException("period", fields.get("period"), "be set only together with rate");
        }
        if (burst != null) {
            b.burst(burst);
        }
        return b.fair(fair).build();
    }

    /**
     * Parses a policy whose fields arrive as text (command lines, configuration files); {@code null} means absent.
     *
     * @throws LimiterValidationException as {@link #parse(Map, boolean)}
     */
    public static LimitPolicy parseText(String permits, String lease, String rate, String period, String burst,
            String fair) {
        Map<String, Object> fields = new LinkedHashMap<>();
        String[] values = {permits, lease, rate, period, burst, fair};
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                fields.put(NAMES.get(i), values[i]);
            }
        }
        return parse(fields, true);
    }

    /** The fields of {@code policy} as plain values (durations as ISO-8601 text), absent parts left out. */
    public static Map<String, Object> of(LimitPolicy policy) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (policy.hasConcurrency()) {
            m.put("permits", policy.permits());
            m.put("lease", policy.lease().toString());
        }
        if (policy.hasRate()) {
            m.put("rate", policy.rate());
            m.put("period", policy.period().toString());
            m.put("burst", policy.burst());
        }
        if (policy.fair()) {
            m.put("fair", true);
        }
        return m;
    }

    /** The range rule of a whole-number field, shown when a number is far out of range. */
    private static String rangeRule(String field) {
        switch (field) {
            case "permits":
                return LimitPolicy.Rules.PERMITS;
            case "rate":
                return LimitPolicy.Rules.RATE;
            default:
                return LimitPolicy.Rules.BURST;
        }
    }

    private static Long whole(String field, Object v, boolean numbersAsText) {
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger) {
            return exact(field, new BigDecimal((BigInteger) v), v);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                throw new LimiterValidationException(field, v, WHOLE);
            }
            if (Double.isInfinite(d)) {
                throw new InvalidPolicyException(field, v, rangeRule(field));
            }
            return exact(field, new BigDecimal(v.toString()), v);
        }
        if (v instanceof BigDecimal) {
            return exact(field, (BigDecimal) v, v);
        }
        if (v instanceof String && numbersAsText) {
            String t = (String) v;
            if (!WHOLE_TEXT.matcher(t).matches()) {
                throw new LimiterValidationException(field, v, WHOLE);
            }
            return exact(field, new BigDecimal(t), v);
        }
        throw new LimiterValidationException(field, v, WHOLE);
    }

    /**
     * The value of {@code d} if it is whole and fits a long; a fraction breaks the whole-number rule, a whole number
     * out of range the field's range rule. Never expands a huge exponent ({@code 1e400}) into digits.
     */
    private static long exact(String field, BigDecimal d, Object shown) {
        if (d.signum() == 0) {
            return 0;
        }
        BigDecimal stripped = d.stripTrailingZeros();
        if (stripped.scale() > 0) {
            throw new LimiterValidationException(field, shown, WHOLE);
        }
        // Digits before the point: a long has at most 19.
        if (stripped.precision() - stripped.scale() > 19) {
            throw new InvalidPolicyException(field, shown, rangeRule(field));
        }
        try {
            return stripped.longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidPolicyException(field, shown, rangeRule(field));
        }
    }

    private static boolean bool(String field, Object v, boolean asText) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (asText && v instanceof String) {
            String t = (String) v;
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(t);
            }
        }
        throw new LimiterValidationException(field, v, BOOLEAN);
    }

    private static Duration duration(String field, Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String) {
            return Durations.parse(field, (String) v,
                    field.equals("lease") ? LimitPolicy.Rules.LEASE : LimitPolicy.Rules.PERIOD);
        }
        throw new LimiterValidationException(field, v, Durations.RULE);
    }
}
