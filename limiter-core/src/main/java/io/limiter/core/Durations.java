package io.limiter.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the durations users type: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601. */
public final class Durations {
    /** The rule shown when a duration cannot be parsed. */
    public static final String RULE = "be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S";

    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses {@code text} for {@code field}.
     *
     * @throws LimiterValidationException naming {@code field} if it is not a duration
     */
    public static Duration parse(String field, String text) {
        Objects.requireNonNull(field, "field");
        if (text == null) {
            throw new LimiterValidationException(field, null, RULE);
        }
        String t = text.trim();
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofDays(n);
            }
        }
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                return Duration.parse(t);
            }
        } catch (DateTimeParseException e) {
            // fall through to the error below
        }
        throw new LimiterValidationException(field, text, RULE);
    }
}
