package io.limiter.server.api;

import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;

/**
 * Makes every error body of the server, Micronaut's own (bad JSON, unknown route, body too large) and ours, an
 * {@code application/problem+json} {@link Problem}. Never includes a stack trace.
 */
@Primary
@Singleton
public class ProblemBodyProvider implements JsonErrorResponseBodyProvider<Problem> {

    @Override
    public Problem body(ErrorContext context, HttpResponse<?> response) {
        int status = response.code();
        String title = HttpStatus.valueOf(status).getReason();
        String path = context.getRequest().getPath();
        Throwable cause = context.getRootCause().orElse(null);
        if (cause instanceof LimiterValidationException) {
            LimiterValidationException v = (LimiterValidationException) cause;
            return new Problem("urn:limiter:problem:validation", title, status, v.getMessage(), path, v.field(),
                    v.value(), v.rule());
        }
        if (cause instanceof UnknownLimitException unknown) {
            // The server's own words: the exception's "define it before acquiring" is a hint for clients.
            return Problem.of("not-found", status, title, UnknownLimitException.notDefined(unknown.limit()), path);
        }
        if (cause instanceof NotFoundException) {
            return Problem.of("not-found", status, title, cause.getMessage(), path);
        }
        if (cause instanceof LimiterUnavailableException) {
            return Problem.of("redis-unavailable", status, title, cause.getMessage(), path);
        }
        if (cause instanceof LimiterException) {
            return Problem.of("limiter", status, title, cause.getMessage(), path);
        }
        String detail = context.getErrors().stream().map(Error::getMessage)
                .map(m -> m.replaceAll("\\s*\\(?(start marker )?at \\[Source:[^\\]]*\\]\\)?", ""))
                .collect(Collectors.joining("; "));
        if (detail.isEmpty()) {
            detail = title;
        }
        return Problem.of(kindOf(status), status, title, detail, path);
    }

    @Override
    public String contentType() {
        return Problem.CONTENT_TYPE;
    }

    private static String kindOf(int status) {
        switch (status) {
            case 400:
                return "bad-request";
            case 404:
                return "not-found";
            case 405:
                return "method-not-allowed";
            case 413:
                return "payload-too-large";
            case 415:
                return "unsupported-media-type";
            default:
                return status >= 500 ? "server-error" : "client-error";
        }
    }
}
