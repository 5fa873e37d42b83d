package io.limiter.core;

/**
 * Root of every exception the limiter throws. Unchecked; catch a subtype for a specific failure:
 * {@link LimiterValidationException} (bad input), {@link UnknownLimitException},
 * {@link LimiterTimeoutException}, {@link LimiterUnavailableException} (Redis unreachable or failing),
 * {@link CorruptLimitException} (a limit's data in Redis cannot be read) and {@link LimiterInterruptedException}.
 */
public class LimiterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LimiterException(String message) {
        super(message);
    }

    public LimiterException(String message, Throwable cause) {
        super(message, cause);
    }
}
