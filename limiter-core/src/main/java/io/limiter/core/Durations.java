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

    private static final Pattern SHORT = Pattern.compile("([0-9]{1,30})(ms|s|m|h|d)");
    /** What {@link Duration#parse} reads, without the surrounding space or control characters it would not see. */
    private static final Pattern ISO = Pattern.compile("[-+]?[Pp][-+0-9A-Za-z.,]*");

    private Durations() {
    }

    /** The rule shown when a duration has the right shape but is too long to be represented. */
    public static final String RANGE = "be at most " + Long.MAX_VALUE / 86_400 + "d";

    /**
     * Parses {@code text} for {@code field}. Nothing around the duration is ignored: spaces or control characters
     * make it invalid.
     *
     * @throws LimiterValidationException naming {@code field} if it is not a duration, or (rule {@link #RANGE}) if it
     *     is too long to be represented
     */
    public static Duration parse(String field, String text) {
        return parse(field, text, RANGE);
    }

    /**
     * Like {@link #parse(String, String)}, with {@code rangeRule} as the rule when the duration has the right shape
     * but is too long to be represented (for a field whose range is known, such as a policy's lease).
     *
     * @throws LimiterValidationException naming {@code field}
     */
    public static Duration parse(String field, String text, String rangeRule) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(rangeRule, "rangeRule");
        if (text == null) {
            throw new LimiterValidationException(field, null, RULE);
        }
        Matcher m = SHORT.matcher(text);
        if (m.matches()) {
            try {
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
            } catch (ArithmeticException | NumberFormatException e) {
                throw new LimiterValidationException(field, text, rangeRule);
            }
        }
        if (ISO.matcher(text).matches()) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                if (e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException) {
                    throw new LimiterValidationException(field, text, rangeRule);
                }
                // else fall through to the error below
            }
        }
        throw new LimiterValidationException(field, text, RULE);
    }
}
