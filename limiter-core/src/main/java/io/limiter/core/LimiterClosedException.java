package io.limiter.core;

/**
 * The client (or the Redis backend it uses) was closed: thrown by every call made after {@code close()}, and by
 * an acquire that was still waiting when {@code close()} ran. Nothing is granted after close, whatever the
 * limit's {@code RedisDownPolicy}.
 */
public class LimiterClosedException extends LimiterException {
    private static final long serialVersionUID = 1L;

    /** The message when the client was closed. */
    public static final String CLIENT_CLOSED = "the limiter client is closed";
    /** The message when the Redis backend was closed. */
    public static final String BACKEND_CLOSED = "the Redis backend is closed";

    public LimiterClosedException(String message) {
        super(message);
    }
}
