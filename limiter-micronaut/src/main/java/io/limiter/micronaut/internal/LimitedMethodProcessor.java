package io.limiter.micronaut.internal;

import io.limiter.micronaut.Limited;
import io.limiter.micronaut.LimiterClientProperties;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.processor.ExecutableMethodProcessor;
import io.micronaut.inject.BeanDefinition;
import io.micronaut.inject.ExecutableMethod;
import jakarta.inject.Singleton;

/**
 * Checks every {@link Limited} method when the application starts, so a bad name, weight, timeout or key stops the
 * start with a message naming the method instead of failing its first call.
 */
@Singleton
@Requires(property = LimiterClientProperties.PREFIX + ".enabled", notEquals = "false")
class LimitedMethodProcessor implements ExecutableMethodProcessor<Limited> {

    @Override
    public void process(BeanDefinition<?> beanDefinition, ExecutableMethod<?, ?> method) {
        MethodLimits.of(method.getDeclaringType().getName(), method.getMethodName(), method,
                method.getArguments());
    }
}
