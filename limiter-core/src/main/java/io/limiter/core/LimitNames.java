package io.limiter.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks limit names and key prefixes before they reach any Redis key. A limit name is 1 to 128 characters of
 * {@code A-Z a-z 0-9 . _ : -}, but not {@code .} or {@code ..} (browsers and HTTP clients rewrite those path
 * segments, so such a limit could not be reached over the admin API); a key prefix is 1 to 64 of the same.
 */
public final class LimitNames {
    public static final String NAME_RULE = "match [A-Za-z0-9._:-]{1,128} and not be . or ..";
    public static final String PREFIX_RULE = "match [A-Za-z0-9._:-]{1,64}";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private LimitNames() {
    }

    /**
     * Returns {@code name} if valid.
     *
     * @throws NullPointerException if null
     * @throws LimiterValidationException naming field {@code name} otherwise
     */
    public static String requireValidName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new LimiterValidationException("name", name, NAME_RULE);
        }
        return name;
    }

    /**
     * Returns {@code prefix} if valid.
     *
     * @throws NullPointerException if null
     * @throws LimiterValidationException naming field {@code keyPrefix} otherwise
     */
    public static String requireValidPrefix(String prefix) {
        Objects.requireNonNull(prefix, "keyPrefix");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new LimiterValidationException("keyPrefix", prefix, PREFIX_RULE);
        }
        return prefix;
    }
}
