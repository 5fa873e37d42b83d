package io.limiter.core;

/** The named limit has no policy in Redis: define it first ({@code LimiterClient.define}). */
public class UnknownLimitException extends LimiterException {
    private static final long serialVersionUID = 1L;

    private final String limit;

    public UnknownLimitException(String limit) {
        super("limit '" + limit + "' is not defined (no policy in Redis); define it before acquiring from it");
        this.limit = limit;
    }

    /** The limit name that was not found. */
    public String limit() {
        return limit;
    }
}
