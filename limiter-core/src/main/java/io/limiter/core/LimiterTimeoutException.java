package io.limiter.core;

import java.time.Duration;

/** No permit (or no tokens) came within the caller's timeout. The caller holds nothing. */
public class LimiterTimeoutException extends LimiterException {
    private static final long serialVersionUID = 1L;

    private final String limit;
    private final Duration timeout;

    public LimiterTimeoutException(String limit, int weight, Duration timeout) {
        super("no permit of weight " + weight + " from limit '" + limit + "' within " + timeout);
        this.limit = limit;
        this.timeout = timeout;
    }

    public String limit() {
        return limit;
    }

    public Duration timeout() {
        return timeout;
    }
}
