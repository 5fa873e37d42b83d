package io.limiter.core.internal.redis;

import io.limiter.core.CorruptLimitException;
import io.limiter.core.LimiterException;
import java.util.List;
import java.util.regex.Pattern;

/** Error replies of Redis to a script call, as the limiter reports them: without script hashes or line numbers. */
public final class ScriptErrors {
    /** What a key of the wrong type makes Redis answer (the limit's data was changed by something else). */
    static final String WRONG_TYPE = "a key of it holds the wrong type of value";

    /** Redis 7 appends {@code " script: <sha1>, on @user_script:<line>."}; older ones prefix the function. */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\s*script: [0-9a-f]{40}, on @user_script:\\d+\\.?|\\(call to f_[0-9a-f]{40}\\):\\s*|@?user_script:\\d+:\\s*|"
                    + "Error running script\\s*");

    private ScriptErrors() {
    }

    /** What the state of a limit is called when a read-only script failed on it. */
    static final String UNREADABLE = "its data in Redis is not what the limiter writes";

    /** A key of the wrong type; never leaves the backend (see {@link #forKeys}). */
    private static final class WrongType extends LimiterException {
        private static final long serialVersionUID = 1L;

        WrongType(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Redisson appends the connection, the command and its arguments (script hash, keys). */
    private static final Pattern REDISSON_CONTEXT = Pattern.compile("(?s)\\.?\\s*channel: \\[id:.*$");

    /** The error message without script internals. */
    public static String clean(String message) {
        String m = REDISSON_CONTEXT.matcher(String.valueOf(message)).replaceAll("");
        return INTERNALS.matcher(m).replaceAll("").trim();
    }

    /**
     * The exception for an error reply of Redis to {@code what}: a plain {@link LimiterException} (the backends
     * report every error reply of Redis so), without script internals.
     */
    public static LimiterException rejected(String redis, String what, String message, Throwable cause) {
        String clean = clean(message);
        String text = redis + " rejected " + what + ": " + clean;
        return clean.contains("WRONGTYPE") ? new WrongType(text, cause) : new LimiterException(text, cause);
    }

    /**
     * {@code e} as the caller of a script on {@code keys} sees it: a key of the wrong type is damage to the limit the
     * keys belong to ({@link CorruptLimitException}), or a plain {@link LimiterException} for keys of no limit.
     */
    public static Throwable forKeys(Throwable e, List<String> keys) {
        if (!(e instanceof WrongType)) {
            return e;
        }
        String limit = keys.isEmpty() ? null : limitOf(keys.get(0));
        LimiterException plain = new LimiterException(e.getMessage(), e.getCause());
        return limit == null ? plain : new CorruptLimitException(limit, WRONG_TYPE, plain);
    }

    /** The limit a key belongs to: its hash tag ({@code prefix:{name}:policy}), or null for other keys. */
    private static String limitOf(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        if (close < 0 || close == open + 1 || key.charAt(open + 1) == '~') {
            return null;
        }
        return key.substring(open + 1, close);
    }
}
