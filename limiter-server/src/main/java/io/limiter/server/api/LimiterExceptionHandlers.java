package io.limiter.server.api;

import io.limiter.core.CorruptLimitException;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.netty.handler.codec.compression.DecompressionException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the limiter's exceptions to HTTP: validation 400, unknown limit or permit 404, a limit whose data cannot be
 * read 409, Redis unreachable 503,
 * anything else from Redis 500. The body comes from {@link ProblemBodyProvider}.
 */
@Singleton
public class LimiterExceptionHandlers implements ExceptionHandler<LimiterException, HttpResponse<?>> {
    private static final Logger log = LoggerFactory.getLogger(LimiterExceptionHandlers.class);

    private final ErrorResponseProcessor<?> processor;

    public LimiterExceptionHandlers(ErrorResponseProcessor<?> processor) {
        this.processor = processor;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, LimiterException e) {
        HttpStatus status;
        if (e instanceof LimiterValidationException) {
            status = HttpStatus.BAD_REQUEST;
        } else if (e instanceof UnknownLimitException) {
            status = HttpStatus.NOT_FOUND;
        } else if (e instanceof CorruptLimitException) {
            status = HttpStatus.CONFLICT;
            log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.getMessage());
        } else if (e instanceof LimiterUnavailableException) {
            status = HttpStatus.SERVICE_UNAVAILABLE;
            log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.getMessage());
        } else {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            log.error("{} {} failed", request.getMethod(), request.getPath(), e);
        }
        return respond(processor, request, e, status);
    }

    static MutableHttpResponse<?> respond(ErrorResponseProcessor<?> processor, HttpRequest<?> request, Throwable e,
            HttpStatus status) {
        return processor.processResponse(ErrorContext.builder(request).cause(e).errorMessage(e.getMessage()).build(),
                HttpResponse.status(status));
    }

    /** 404 for {@link NotFoundException}. */
    @Singleton
    public static class NotFoundHandler implements ExceptionHandler<NotFoundException, HttpResponse<?>> {
        private final ErrorResponseProcessor<?> processor;

        public NotFoundHandler(ErrorResponseProcessor<?> processor) {
            this.processor = processor;
        }

        @Override
        public HttpResponse<?> handle(HttpRequest request, NotFoundException e) {
            return respond(processor, request, e, HttpStatus.NOT_FOUND);
        }
    }

    /** 400 for a body that does not decompress with its {@code Content-Encoding} (not a server failure). */
    @Singleton
    public static class DecompressionHandler implements ExceptionHandler<DecompressionException, HttpResponse<?>> {
        private final ErrorResponseProcessor<?> processor;

        public DecompressionHandler(ErrorResponseProcessor<?> processor) {
            this.processor = processor;
        }

        @Override
        public HttpResponse<?> handle(HttpRequest request, DecompressionException e) {
            return respond(processor, request, e, HttpStatus.BAD_REQUEST);
        }
    }
}
