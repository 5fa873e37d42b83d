package io.limiter.micronaut.app;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import java.security.Principal;
import org.reactivestreams.Publisher;

/** Stands in for a security module: the X-Test-User header becomes the request's principal. */
@Filter(Filter.MATCH_ALL_PATTERN)
@Requires(property = "test.principal-filter", value = "true")
public class TestPrincipalFilter implements HttpServerFilter {

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        String user = request.getHeaders().get("X-Test-User");
        if (user != null) {
            Principal p = () -> user;
            request.setUserPrincipal(p);
        }
        return chain.proceed(request);
    }
}
