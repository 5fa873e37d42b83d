package io.limiter.server.api;

import io.limiter.core.CorruptLimitException;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.micronaut.context.annotation.Primary;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;

/**
 * Makes every error body of the server, Micronaut's own (bad JSON, unknown route, body too large) and ours, an
 * {@code application/problem+json} {@link Problem} (written by {@link ProblemResponseProcessor}). Never includes a
 * stack trace, a class name or a parser setting: besides our own exceptions' messages, only Micronaut's sentences
 * about what the client sent (method, content type, length) pass through; other details are {@link Messages}.
 */
@Primary
@Singleton
public class ProblemBodyProvider implements JsonErrorResponseBodyProvider<Problem> {

    @Override
    public Problem body(ErrorContext context, HttpResponse<?> response) {
        return body(context, response, context.getRootCause().orElse(null));
    }

    /** The problem for {@code response}, caused by {@code cause} (null when unknown). */
    Problem body(ErrorContext context, HttpResponse<?> response, @Nullable Throwable cause) {
        int status = response.code();
        String title = HttpStatus.valueOf(status).getReason();
        String path = context.getRequest().getPath();
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
        if (cause instanceof CorruptLimitException) {
            return Problem.of("corrupt-limit", status, title, cause.getMessage(), path);
        }
        if (cause instanceof LimiterUnavailableException) {
            return Problem.of("redis-unavailable", status, title, cause.getMessage(), path);
        }
        if (cause instanceof LimiterException) {
            return Problem.of("limiter", status, title, status >= 500 ? Messages.SERVER_ERROR : cause.getMessage(),
                    path);
        }
        return Problem.of(kindOf(status), status, title, detail(context, status, cause), instance(path, cause));
    }

    /**
     * Micronaut's own sentence where it names only what the client sent (method, content type, length); a neutral one
     * of ours otherwise, since its other messages name argument types, parser settings or exceptions.
     */
    private static String detail(ErrorContext context, int status, @Nullable Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return Messages.URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Messages.HEADERS_TOO_LARGE;
        }
        if (cause instanceof DecompressionException) {
            return Messages.BAD_ENCODING;
        }
        switch (status) {
            case 405:
            case 406:
            case 413:
            case 415:
                String detail = context.getErrors().stream().map(Error::getMessage)
                        .collect(Collectors.joining("; "));
                return detail.isEmpty() ? HttpStatus.valueOf(status).getReason() : detail;
            case 404:
                return Messages.NO_ROUTE;
            default:
                return status >= 500 ? Messages.SERVER_ERROR : Messages.BAD_REQUEST;
        }
    }

    /** Micronaut answers a request it could not decode on behalf of a made-up one at {@code /bad-request}. */
    private static @Nullable String instance(String path, @Nullable Throwable cause) {
        return cause instanceof TooLongFrameException || cause instanceof DecompressionException ? null : path;
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
            case 414:
                return "uri-too-long";
            case 415:
                return "unsupported-media-type";
            case 431:
                return "headers-too-large";
            default:
                return status >= 500 ? "server-error" : "client-error";
        }
    }
}
