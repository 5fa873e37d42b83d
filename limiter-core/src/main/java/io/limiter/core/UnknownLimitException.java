package io.limiter.core;

/** The named limit has no policy in Redis: define it first ({@code LimiterClient.define}). */
public class UnknownLimitException extends LimiterException {
    private static final long serialVersionUID = 1L;

    private final String limit;

    public UnknownLimitException(String limit) {
        super(notDefined(limit) + " (no policy in Redis); define it before acquiring from it");
        this.limit = limit;
    }

    /** The plain fact, without the hint for acquiring clients: what an admin server answers with its 404. */
    public static String notDefined(String limit) {
        return "limit '" + limit + "' is not defined";
    }

    /** The limit name that was not found. */
    public String limit() {
        return limit;
    }
}
