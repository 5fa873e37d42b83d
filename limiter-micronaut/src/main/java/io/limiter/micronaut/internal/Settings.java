package io.limiter.micronaut.internal;

import io.limiter.client.RedisDownPolicy;
import io.limiter.core.Durations;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.micronaut.context.exceptions.ConfigurationException;
import java.time.Duration;
import java.util.Locale;

/** Parses configuration text; every failure is a {@link ConfigurationException} naming the setting. */
final class Settings {
    private Settings() {
    }

    static Duration duration(String setting, String text, Duration defaultValue, boolean zeroAllowed) {
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        Duration d;
        if (text.trim().equals("0")) {
            d = Duration.ZERO;
        } else {
            try {
                d = Durations.parse(setting, text);
            } catch (LimiterValidationException e) {
                throw new ConfigurationException(e.getMessage());
            }
        }
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new ConfigurationException(Messages.invalid(setting, text,
                    zeroAllowed ? Messages.NOT_NEGATIVE : Messages.POSITIVE));
        }
        return d;
    }

    static int weight(String setting, String text) {
        if (text == null || text.isBlank()) {
            return 1;
        }
        try {
            int w = Integer.parseInt(text.trim());
            if (w >= 1 && w <= LimitPolicy.Rules.MAX_PERMITS) {
                return w;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigurationException(Messages.invalid(setting, text, Messages.WEIGHT_RULE));
    }

    static RedisDownPolicy downPolicy(String setting, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (RedisDownPolicy p : RedisDownPolicy.values()) {
            if (p.name().equals(t)) {
                return p;
            }
        }
        throw new ConfigurationException(Messages.invalid(setting, text, Messages.DOWN_POLICY_RULE));
    }

    /** Runs {@code action}, turning a validation error into a configuration error for {@code setting}. */
    static <T> T check(String setting, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (LimiterValidationException e) {
            throw new ConfigurationException(Messages.renamed(setting, e));
        }
    }

    /** Like {@link #check}, for a group of settings: the error names {@code at.<field>}. */
    static <T> T checkField(String at, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (LimiterValidationException e) {
            throw new ConfigurationException(Messages.renamed(at + "." + e.field(), e));
        }
    }
}
