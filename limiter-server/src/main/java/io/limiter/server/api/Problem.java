package io.limiter.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * An RFC 9457 problem ({@code application/problem+json}). For bad input, {@code field}, {@code value} and
 * {@code rule} say exactly what was rejected.
 *
 * @param type a URN naming the kind of problem, e.g. {@code urn:limiter:problem:validation}
 * @param title the HTTP reason phrase
 * @param status the HTTP status
 * @param detail a sentence for humans
 * @param instance the request path
 * @param field the rejected field, for validation problems
 * @param value the rejected value, for validation problems
 * @param rule the rule it broke, for validation problems
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, @Nullable String instance,
        @Nullable String field, @Nullable String value, @Nullable String rule) {

    public static final String CONTENT_TYPE = "application/problem+json";

    static Problem of(String kind, int status, String title, String detail, @Nullable String path) {
        return new Problem("urn:limiter:problem:" + kind, title, status, detail, path, null, null, null);
    }
}
