package io.limiter.core;

/**
 * The calling thread was interrupted while it waited. The thread's interrupt flag is set again before this is
 * thrown, and the caller holds nothing.
 */
public class LimiterInterruptedException extends LimiterException {
    private static final long serialVersionUID = 1L;

    public LimiterInterruptedException(String message, InterruptedException cause) {
        super(message, cause);
    }
}
