package io.limiter.core;

import java.util.List;
import java.util.Objects;

/**
 * One field of a policy, as every surface shows it (REST, CLI, configuration, dashboard, README): listed once in
 * {@link PolicySchema}.
 *
 * @param name the field's name ({@code permits})
 * @param part the part it belongs to ({@code concurrency}); {@code policy} for options of the whole policy
 * @param type how a value is written
 * @param unit what a number counts, or {@code null}
 * @param minimum the smallest value ({@link Long} or ISO-8601 duration text), or {@code null}
 * @param maximum the largest value, or {@code null}
 * @param defaultValue the value when the field is left out while its part is given, or {@code null}
 * @param values the allowed values of an {@link Type#ENUM} field, else empty
 * @param rule the rule a value must follow, as error messages state it ("be between 1 and 1000000")
 * @param description one sentence saying what the field does
 */
public record PolicyField(String name, String part, Type type, String unit, Object minimum, Object maximum,
        Object defaultValue, List<String> values, String rule, String description) {

    /** How a field's value is written. */
    public enum Type {
        /** A whole number. */
        INTEGER,
        /** A duration: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601 {@code PT30S}. */
        DURATION,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** One of {@link PolicyField#values()}. */
        ENUM,
        /** A time zone ID ({@code Europe/Berlin}). */
        ZONE
    }

    public PolicyField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(part, "part");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(description, "description");
        values = List.copyOf(values);
    }

    /** A whole-number field without a default. */
    public static PolicyField integer(String name, String part, String unit, long min, long max, String rule,
            String description) {
        return new PolicyField(name, part, Type.INTEGER, unit, min, max, null, List.of(), rule, description);
    }

    /** A duration field. */
    public static PolicyField duration(String name, String part, Object min, Object max, Object dflt, String rule,
            String description) {
        return new PolicyField(name, part, Type.DURATION, null, min, max, dflt, List.of(), rule, description);
    }
}
