package io.limiter.micronaut.internal;

import io.limiter.client.LimiterClient;
import io.limiter.client.LimiterListener;
import io.limiter.client.metrics.MicrometerLimiterMetrics;
import io.limiter.micronaut.LimiterClientProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/** The {@link LimiterClient} bean (closed with {@link LimiterRuntime}, on shutdown). */
@Factory
@Requires(property = LimiterClientProperties.PREFIX + ".enabled", notEquals = "false")
class LimiterBeans {

    @Singleton
    @Bean(preDestroy = "close")
    LimiterClient limiterClient(LimiterRuntime runtime) {
        return runtime.client();
    }

    /** Client metrics in the application's registry, when it has one (Micrometer is optional). */
    @Factory
    @Requires(classes = MeterRegistry.class)
    @Requires(beans = MeterRegistry.class)
    @Requires(property = LimiterClientProperties.PREFIX + ".enabled", notEquals = "false")
    static class Metrics {
        @Singleton
        LimiterListener limiterMetrics(MeterRegistry registry) {
            return new MicrometerLimiterMetrics(registry);
        }
    }
}
