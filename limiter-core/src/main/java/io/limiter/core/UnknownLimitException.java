package io.limiter.core;

/**
 * The named limit has no policy in Redis: it was never defined, Redis lost it, or an operator deleted it
 * ({@link #wasDeleted()}). Define it first ({@code LimiterClient.define}); a client never defines a deleted limit
 * again by itself.
 */
public class UnknownLimitException extends LimiterException {
    private static final long serialVersionUID = 1L;

    private final String limit;
    private final boolean deleted;

    public UnknownLimitException(String limit) {
        this(limit, false);
    }

    /** @param deleted whether Redis knows that an operator deleted the limit (it keeps a tombstone) */
    public UnknownLimitException(String limit, boolean deleted) {
        super(deleted ? "limit '" + limit + "' was deleted; define it again to use it"
                : "limit '" + limit + "' is not defined (no policy in Redis); define it before acquiring from it");
        this.limit = limit;
        this.deleted = deleted;
    }

    /** True if an operator deleted the limit (as opposed to a limit never defined, or lost with Redis' data). */
    public boolean wasDeleted() {
        return deleted;
    }

    /** The limit name that was not found. */
    public String limit() {
        return limit;
    }
}
