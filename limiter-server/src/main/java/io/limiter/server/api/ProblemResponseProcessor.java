package io.limiter.server.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import jakarta.inject.Singleton;

/**
 * Turns every error response of the server into {@code application/problem+json}, whatever the request's
 * {@code Accept} header asks for (Micronaut would otherwise answer a browser with an HTML page). A request line or
 * headers too long to decode are answered 414 and 431 (Micronaut reports both as 413). Thread-safe.
 */
@Singleton
public class ProblemResponseProcessor implements ErrorResponseProcessor<Problem> {
    private final ProblemBodyProvider bodies;

    public ProblemResponseProcessor(ProblemBodyProvider bodies) {
        this.bodies = bodies;
    }

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        Throwable cause = context.getRootCause().orElseGet(() -> decoderFailure(context.getRequest()));
        if (cause instanceof TooLongHttpLineException) {
            response.status(HttpStatus.REQUEST_URI_TOO_LONG);
        } else if (cause instanceof TooLongHttpHeaderException) {
            response.status(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
        }
        MutableHttpResponse<Problem> r = (MutableHttpResponse<Problem>) response;
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return r.contentType(Problem.CONTENT_TYPE); // what a GET would get, without the body
        }
        return r.body(bodies.body(context, response, cause)).contentType(Problem.CONTENT_TYPE);
    }

    /** Why Netty could not decode the request (Micronaut answers such a request without passing the cause on). */
    private static @Nullable Throwable decoderFailure(HttpRequest<?> request) {
        if (request instanceof NettyHttpRequest<?> netty) {
            DecoderResult result = netty.getNativeRequest().decoderResult();
            return result.isFailure() ? result.cause() : null;
        }
        return null;
    }
}
