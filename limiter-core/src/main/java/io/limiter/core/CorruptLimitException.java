package io.limiter.core;

import java.util.Objects;

/**
 * What Redis holds for the named limit cannot be read: its stored policy breaks the policy rules (for example a
 * negative permit count written by hand), or one of its keys holds the wrong type of value. Nothing was changed.
 * Replacing the limit's policy (or deleting the limit) repairs it; other limits are not affected.
 */
public class CorruptLimitException extends LimiterException {
    private static final long serialVersionUID = 1L;

    private final String limit;
    private final String problem;

    /**
     * @param limit the limit's name
     * @param problem what is wrong, e.g. {@code "permits must be between 1 and 1000000, was -5"}
     */
    public CorruptLimitException(String limit, String problem) {
        this(limit, problem, null);
    }

    /**
     * @param limit the limit's name
     * @param problem what is wrong
     * @param cause Redis's error reply, if there was one
     */
    public CorruptLimitException(String limit, String problem, Throwable cause) {
        super("limit '" + limit + "' cannot be read from Redis (" + problem + "); replace its policy or delete it",
                cause);
        this.limit = Objects.requireNonNull(limit, "limit");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** The limit whose data cannot be read. */
    public String limit() {
        return limit;
    }

    /** What is wrong with it. */
    public String problem() {
        return problem;
    }
}
