package io.limiter.micronaut.internal;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.core.LimiterTimeoutException;
import io.limiter.core.internal.Exceptions;
import io.limiter.micronaut.HttpLimitsProperties;
import io.limiter.micronaut.HttpRouteProperties;
import io.limiter.micronaut.LimiterClientProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.context.event.HttpRequestTerminatedEvent;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The HTTP limits: a request that matches routes takes their permits (all or none, in limit-name order) before it
 * runs; denied, it is answered 429 problem+json with {@code Retry-After} and never reaches the controller. The
 * permits are released when the response is complete: a streamed body when it ends, fails or is cancelled (the
 * client went away), any other body when the server has written it ({@link HttpRequestTerminatedEvent}), and at
 * once if the chain fails or is cancelled. Redis unreachable (with a fail-closed limit) or an undefined limit: 503.
 * A keyed route takes the permit of the request's key ({@link HttpRouteProperties#getKey()}); a request without a
 * key value is answered 400 problem+json unless the route shares one key among them. Runs after the security
 * filters, so a {@code principal} key sees the user.
 */
@Filter(Filter.MATCH_ALL_PATTERN)
@Requires(property = LimiterClientProperties.PREFIX + ".enabled", notEquals = "false")
@Requires(property = HttpLimitsProperties.PREFIX + ".enabled", notEquals = "false")
class HttpLimitFilter implements HttpServerFilter, ApplicationEventListener<HttpRequestTerminatedEvent> {
    private static final Logger log = LoggerFactory.getLogger(HttpLimitFilter.class);
    static final String HELD = HttpLimitFilter.class.getName() + ".held";

    private final HttpLimits limits;
    private final LimiterClient client;
    private final QuotaReader quotas;
    private final ShadowLog shadowLog = new ShadowLog();
    private final AtomicLong lastUnavailableLog = new AtomicLong(System.nanoTime() - 1_000_000_000L);

    HttpLimitFilter(HttpLimits limits, LimiterClient client, QuotaReader quotas) {
        this.limits = limits;
        this.client = client;
        this.quotas = quotas;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    /** A route that applies to the request, and the request's key for it (empty for a limit taken by name). */
    private record Target(HttpRoute route, Optional<String> key) {
    }

    /** Outcome of the acquire step. */
    private record Decision(HeldPermits held, List<RateLimitHeaders.Item> items, MutableHttpResponse<?> answer) {
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        List<HttpRoute> routes = limits.match(request);
        if (routes.isEmpty()) {
            return chain.proceed(request);
        }
        List<Target> targets = new ArrayList<>(routes.size());
        List<HeldPermits.Acquire> acquires = new ArrayList<>(routes.size());
        try {
            for (HttpRoute r : routes) {
                Optional<String> key = limits.keyOf(r, request);
                DistributedLimiter limiter = client.limiter(r.limit());
                targets.add(new Target(r, key));
                acquires.add(new HeldPermits.Acquire(key.isPresent() ? limiter.forKey(key.get()) : limiter,
                        r.weight(), r.timeout(), r.shadow()));
            }
        } catch (HttpLimits.BadKey e) {
            return Mono.just(Problems.badKey(request.getPath(), e.route(), e.getMessage()));
        }
        return HeldPermits.acquireMono(acquires)
                .flatMap(held -> {
                    // Until the decision is handed on, a cancel (the client left) releases; after, proceed() owns it.
                    AtomicBoolean handedOn = new AtomicBoolean();
                    return Mono.fromFuture(() -> granted(targets, held))
                            .map(items -> {
                                handedOn.set(true);
                                return new Decision(held, items, null);
                            })
                            .doOnCancel(() -> {
                                if (!handedOn.get()) {
                                    held.close();
                                }
                            });
                })
                .onErrorResume(e -> Mono.fromFuture(() -> refused(request, targets, Exceptions.unwrap(e))))
                .flatMapMany(d -> d.answer != null ? Mono.just(d.answer) : proceed(request, chain, routes, d));
    }

    @SuppressWarnings("unchecked")
    private Flux<MutableHttpResponse<?>> proceed(HttpRequest<?> request, ServerFilterChain chain,
            List<HttpRoute> routes, Decision d) {
        HeldPermits held = d.held;
        for (String limit : held.shadowDenied()) {
            shadowLog.wouldDeny(routes, limit, request);
        }
        request.setAttribute(HELD, held);
        Flux<MutableHttpResponse<?>> responses = Flux.from(chain.proceed(request));
        // Once the response is out, the body or the terminated event owns the release: the server takes the one
        // response and cancels this publisher, which must not release a permit whose body is still streaming.
        AtomicBoolean answered = new AtomicBoolean();
        return responses
                .<MutableHttpResponse<?>>map(response -> {
                    answered.set(true);
                    RateLimitHeaders.write(limits.syntax(), d.items, response);
                    if (response.getBody().orElse(null) instanceof Publisher<?> body) {
                        ((MutableHttpResponse<Object>) response).body(Flux.from(body).doFinally(s -> held.close()));
                    }
                    return response;
                })
                .doOnError(e -> held.close())
                .doOnCancel(() -> {
                    if (!answered.get()) {
                        held.close();
                    }
                })
                .doOnComplete(() -> {
                    if (!answered.get()) {
                        held.close();
                    }
                });
    }

    /**
     * The rate-limit items after a grant: one state read per limit (for a keyed route, of the request's key) of a
     * route not in shadow mode.
     */
    private CompletableFuture<List<RateLimitHeaders.Item>> granted(List<Target> targets, HeldPermits held) {
        if (limits.syntax() == RateLimitHeaders.Syntax.NONE) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<Target> shown = targets.stream().filter(t -> !t.route().shadow()).toList();
        List<CompletableFuture<Quota>> reads = shown.stream()
                .map(t -> quotas.read(t.route().limit(), t.key())).toList();
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<RateLimitHeaders.Item> items = new ArrayList<>();
            for (int i = 0; i < shown.size(); i++) {
                RateLimitHeaders.items(reads.get(i).join(), shown.get(i).route().weight(), -1, items);
            }
            return items;
        }).exceptionally(e -> {
            log.debug("rate-limit fields left out: {}", Exceptions.unwrap(e).getMessage());
            return List.of();
        });
    }

    private CompletableFuture<Decision> refused(HttpRequest<?> request, List<Target> targets, Throwable e) {
        String path = request.getPath();
        if (e instanceof LimiterTimeoutException t) {
            Target denied = targets.stream().filter(x -> x.route().limit().equals(t.limit())).findFirst()
                    .orElseThrow();
            HttpRoute route = denied.route();
            return quotas.denial(route, denied.key()).handle((info, readError) -> {
                long secs = readError == null ? info.retryAfterSeconds()
                        : Math.max(1, (long) Math.ceil(route.retryAfter().toMillis() / 1000.0));
                MutableHttpResponse<?> answer = Problems.tooManyRequests(path, route.limit(), secs);
                if (readError == null) {
                    List<RateLimitHeaders.Item> items = new ArrayList<>();
                    RateLimitHeaders.items(info.quota(), route.weight(), secs, items);
                    RateLimitHeaders.write(limits.syntax(), items, answer);
                }
                return new Decision(null, List.of(), answer);
            });
        }
        long now = System.nanoTime();
        long last = lastUnavailableLog.get();
        if (now - last >= 1_000_000_000L && lastUnavailableLog.compareAndSet(last, now)) {
            log.warn("{} {} answered 503 (logged at most once a second): {}", request.getMethodName(), path,
                    e.getMessage());
        } else {
            log.debug("{} {} answered 503: {}", request.getMethodName(), path, e.getMessage());
        }
        return CompletableFuture.completedFuture(new Decision(null, List.of(), Problems.unavailable(path)));
    }

    /** The response has been written (or the connection is gone): release what the request still holds. */
    @Override
    public void onApplicationEvent(HttpRequestTerminatedEvent event) {
        event.getSource().getAttribute(HELD, HeldPermits.class).ifPresent(HeldPermits::close);
    }
}
