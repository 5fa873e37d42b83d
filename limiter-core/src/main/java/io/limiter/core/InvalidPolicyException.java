package io.limiter.core;

/** A {@link LimitPolicy} field (or the combination of fields) broke a rule; see {@link LimitPolicy} for them. */
public class InvalidPolicyException extends LimiterValidationException {
    private static final long serialVersionUID = 1L;

    public InvalidPolicyException(String field, Object value, String rule) {
        super(field, value, rule);
    }
}
