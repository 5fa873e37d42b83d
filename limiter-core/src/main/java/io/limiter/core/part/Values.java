package io.limiter.core.part;

import io.limiter.core.Durations;
import io.limiter.core.InvalidPolicyException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.PolicyField;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A policy's loose field values (JSON, configuration, command line) read by type: every error names the field, the
 * value and the rule. {@code null} means absent.
 */
public final class Values {
    /** The rule of a field that must be a whole number. */
    public static final String WHOLE = "be a whole number";
    /** The rule of a field that must be a boolean. */
    public static final String BOOLEAN = "be true or false";
    /** The rule of a field that must be text. */
    public static final String TEXT = "be text";

    /** A whole number as text: an optional minus and digits, nothing around them. */
    private static final Pattern WHOLE_TEXT = Pattern.compile("-?[0-9]+");

    private final Map<String, ?> fields;
    private final boolean numbersAsText;
    private final Function<String, PolicyField> schema;

    /**
     * @param fields field name to value ({@link Number}, {@link String}, {@link Boolean}; {@code null} = absent)
     * @param numbersAsText whether numbers and booleans may also be given as strings (configuration, command lines)
     * @param schema the field of a name, for its range rule
     */
    public Values(Map<String, ?> fields, boolean numbersAsText, Function<String, PolicyField> schema) {
        this.fields = fields;
        this.numbersAsText = numbersAsText;
        this.schema = schema;
    }

    /**
     * Checks that the value of {@code field}, if given, has the field's type.
     *
     * @throws LimiterValidationException naming the field if not
     */
    public void check(PolicyField field) {
        switch (field.type()) {
            case INTEGER -> whole(field.name());
            case DURATION -> duration(field.name());
            case BOOLEAN -> bool(field.name());
            default -> text(field.name());
        }
    }

    /** Whether {@code field} was given. */
    public boolean has(String field) {
        return fields.get(field) != null;
    }

    /** The value as given, for messages. */
    public Object raw(String field) {
        return fields.get(field);
    }

    /** A whole number, or null if absent. */
    public Long whole(String field) {
        Object v = fields.get(field);
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
                throw new InvalidPolicyException(field, v, rule(field));
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

    /** A whole number that must fit an int (else the field's range rule), or null if absent. */
    public Integer wholeInt(String field) {
        Long n = whole(field);
        if (n == null) {
            return null;
        }
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new InvalidPolicyException(field, n, rule(field));
        }
        return n.intValue();
    }

    /** A duration ({@code 30s}, {@code PT30S}), or null if absent. */
    public Duration duration(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (v instanceof String) {
            return Durations.parse(field, (String) v, rule(field));
        }
        throw new LimiterValidationException(field, v, Durations.RULE);
    }

    /** A boolean, or false if absent. */
    public boolean bool(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (numbersAsText && v instanceof String) {
            String t = (String) v;
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(t);
            }
        }
        throw new LimiterValidationException(field, v, BOOLEAN);
    }

    /** Text, or null if absent. */
    public String text(String field) {
        Object v = fields.get(field);
        if (v == null) {
            return null;
        }
        if (v instanceof String) {
            return (String) v;
        }
        throw new LimiterValidationException(field, v, rule(field));
    }

    private String rule(String field) {
        PolicyField f = schema.apply(field);
        return f == null ? WHOLE : f.rule();
    }

    /**
     * The value of {@code d} if it is whole and fits a long; a fraction breaks the whole-number rule, a whole number
     * out of range the field's range rule. Never expands a huge exponent ({@code 1e400}) into digits.
     */
    private long exact(String field, BigDecimal d, Object shown) {
        if (d.signum() == 0) {
            return 0;
        }
        BigDecimal stripped = d.stripTrailingZeros();
        if (stripped.scale() > 0) {
            throw new LimiterValidationException(field, shown, WHOLE);
        }
        // Digits before the point: a long has at most 19.
        if (stripped.precision() - stripped.scale() > 19) {
            throw new InvalidPolicyException(field, shown, rule(field));
        }
        try {
            return stripped.longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidPolicyException(field, shown, rule(field));
        }
    }
}
