package io.limiter.micronaut.internal;

import io.limiter.client.LimiterClient;
import io.limiter.micronaut.Limited;
import io.limiter.micronaut.LimiterClientProperties;
import io.micronaut.aop.InterceptedMethod;
import io.micronaut.aop.InterceptorBean;
import io.micronaut.aop.MethodInterceptor;
import io.micronaut.aop.MethodInvocationContext;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.inject.ExecutableMethod;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import io.micronaut.core.async.publisher.Publishers;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs {@link Limited} methods under their permits: around the call for blocking methods, until the stage completes
 * (or the returned future is cancelled) for {@link CompletionStage} results, and from subscription to completion,
 * error or cancellation for publishers.
 */
@InterceptorBean(Limited.class)
@Requires(property = LimiterClientProperties.PREFIX + ".enabled", notEquals = "false")
class LimitedInterceptor implements MethodInterceptor<Object, Object> {
    private final LimiterClient client;
    private final ConversionService conversion;
    private final ConcurrentMap<ExecutableMethod<?, ?>, List<MethodLimits.MethodLimit>> limits =
            new ConcurrentHashMap<>();

    LimitedInterceptor(LimiterClient client, ConversionService conversion) {
        this.client = client;
        this.conversion = conversion;
    }

    @Override
    public Object intercept(MethodInvocationContext<Object, Object> context) {
        List<MethodLimits.MethodLimit> own = limits.computeIfAbsent(context.getExecutableMethod(),
                m -> MethodLimits.of(context.getDeclaringType().getName(), m.getMethodName(), m, m.getArguments()));
        if (own.isEmpty()) {
            return context.proceed();
        }
        InterceptedMethod method = InterceptedMethod.of(context, conversion);
        try {
            // Keys are read here, on the caller's thread (where the current HTTP request is known); a key without
            // a value fails the call the way a denial would (thrown, or as the stage's / publisher's error).
            List<HeldPermits.Acquire> acquires = MethodLimits.acquires(client, own, context.getParameterValues());
            switch (method.resultType()) {
                case PUBLISHER:
                    Class<?> type = context.getReturnType().getType();
                    Publisher<?> limited = Publishers.isSingle(type)
                            ? Mono.usingWhen(HeldPermits.acquireMono(acquires),
                                    h -> Mono.from(method.interceptResultAsPublisher()),
                                    HeldPermits::releaseMono, (h, error) -> h.releaseMono(), HeldPermits::releaseMono)
                            : Flux.usingWhen(HeldPermits.acquireMono(acquires),
                                    h -> method.interceptResultAsPublisher(),
                                    HeldPermits::releaseMono, (h, error) -> h.releaseMono(), HeldPermits::releaseMono);
                    return method.handleResult(Publishers.convertPublisher(conversion, limited, type));
                case COMPLETION_STAGE:
                    return method.handleResult(stage(method, acquires));
                case SYNCHRONOUS:
                default:
                    HeldPermits permits = HeldPermits.acquire(acquires);
                    try {
                        return context.proceed();
                    } finally {
                        permits.close();
                    }
            }
        } catch (Exception e) {
            return method.handleException(e);
        }
    }

    private static CompletableFuture<Object> stage(InterceptedMethod method, List<HeldPermits.Acquire> acquires) {
        CompletableFuture<HeldPermits> acquiring = HeldPermits.acquireAsync(acquires);
        CompletableFuture<Object> result = new CompletableFuture<>();
        acquiring.whenComplete((held, denied) -> {
            if (denied != null) {
                result.completeExceptionally(denied);
                return;
            }
            CompletionStage<?> inner;
            try {
                inner = method.interceptResultAsCompletionStage();
            } catch (RuntimeException | Error e) {
                held.close();
                result.completeExceptionally(e);
                return;
            }
            inner.whenComplete((value, error) -> {
                held.close();
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
            result.whenComplete((value, error) -> {
                if (result.isCancelled()) {
                    held.close();
                    inner.toCompletableFuture().cancel(true);
                }
            });
        });
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                acquiring.cancel(false);
            }
        });
        return result;
    }
}
