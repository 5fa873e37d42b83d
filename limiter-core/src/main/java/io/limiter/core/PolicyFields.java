package io.limiter.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private static Long whole(String field, Object v, boolean numbersAsText) {
        if (v == null) {
            return null;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger) {
            BigInteger b = (BigInteger) v;
            if (b.bitLength() < 64) {
                return b.longValue();
            }
            throw new LimiterValidationException(field, v, "be a whole number");
        }
        if (v instanceof BigDecimal || v instanceof Double || v instanceof Float) {
            BigDecimal d = new BigDecimal(v.toString());
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                throw new LimiterValidationException(field, v, "be a whole number");
            }
        }
        if (v instanceof String && numbersAsText) {
            try {
                return Long.parseLong(((String) v).trim());
            } catch (NumberFormatException e) {
                throw new LimiterValidationException(field, v, "be a whole number");
            }
        }
        throw new LimiterValidationException(field, v, "be a whole number");
    }

    private static boolean bool(String field, Object v, boolean asText) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (asText && v instanceof String) {
            String t = ((String) v).trim();
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(t);
            }
        }
        throw new LimiterValidationException(field, v, "be true or false");
    }

    private static Duration duration(String field, Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String) {
            return Durations.parse(field, (String) v);
        }
        throw new LimiterValidationException(field, v, Durations.RULE);
    }
}
