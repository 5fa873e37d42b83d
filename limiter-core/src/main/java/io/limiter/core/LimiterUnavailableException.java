package io.limiter.core;

/**
 * Redis could not be reached or did not answer within the configured timeout, or it rejected a command.
 * The operation may or may not have taken effect in Redis; a permit that was granted but never reported is
 * reclaimed when its lease expires.
 */
public class LimiterUnavailableException extends LimiterException {
    private static final long serialVersionUID = 1L;

    public LimiterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
