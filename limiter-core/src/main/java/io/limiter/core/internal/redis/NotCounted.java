package io.limiter.core.internal.redis;

/** A request sent in a counted group that the script would not count (the limit is not rate-only now). */
public final class NotCounted extends RuntimeException {
    static final NotCounted INSTANCE = new NotCounted();

    private NotCounted() {
        super("not decided as part of a counted group; send it on its own", null, false, false);
    }
}
