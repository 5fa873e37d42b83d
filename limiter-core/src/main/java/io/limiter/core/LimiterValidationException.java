package io.limiter.core;

import java.util.Objects;

/**
 * Bad input: names the offending field, shows the rejected value and states the rule it broke. The message
 * always reads {@code "<field> must <rule>, was <value>"}, e.g. {@code "permits must be between 1 and 1000000,
 * was 0"}. Nothing was changed in Redis when this is thrown.
 */
public class LimiterValidationException extends LimiterException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String value;
    private final String rule;

    public LimiterValidationException(String field, Object value, String rule) {
        super(field + " must " + rule + ", was " + render(value));
        this.field = Objects.requireNonNull(field, "field");
        this.value = render(value);
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** The field that was rejected, e.g. {@code permits} or {@code name}. */
    public String field() {
        return field;
    }

    /** The rejected value as shown in the message. */
    public String value() {
        return value;
    }

    /** The rule that was broken, e.g. {@code be between 1 and 1000000}. */
    public String rule() {
        return rule;
    }

    private static String render(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence) {
            return "'" + value + "'";
        }
        return String.valueOf(value);
    }
}
