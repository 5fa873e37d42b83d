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
import reactor.core.publisher.Flux;

/**
 * Runs {@link Limited} methods under their permits: around the call for blocking methods, until the stage completes
 * (or the returned future is cancelled) for {@link CompletionStage} results, and from subscription to completion,
 * error or cancellation for publishers.
 */
@InterceptorBean({Limited.class, Limited.List.class})
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
        List<HeldPermits.Acquire> acquires = MethodLimits.acquires(client, own);
        InterceptedMethod method = InterceptedMethod.of(context, conversion);
        try {
            switch (method.resultType()) {
                case PUBLISHER:
                    return method.handleResult(Flux.usingWhen(
                            HeldPermits.acquireMono(acquires),
                            held -> method.interceptResultAsPublisher(),
                            HeldPermits::releaseMono, (held, error) -> held.releaseMono(), HeldPermits::releaseMono));
                case COMPLETION_STAGE:
                    return method.handleResult(stage(method, acquires));
                case SYNCHRONOUS:
                default:
                    try (HeldPermits held = HeldPermits.acquire(acquires)) {
                        return context.proceed();
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
