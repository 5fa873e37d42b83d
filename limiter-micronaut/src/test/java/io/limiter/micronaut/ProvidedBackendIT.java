package io.limiter.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.RedisBackend;
import io.limiter.testing.RedisExtension;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An application that hands over its own connection (a RedisBackend bean named "limiter") instead of a URI. */
@ExtendWith(RedisExtension.class)
class ProvidedBackendIT {

    private static ApplicationContext start(RedisBackend backend, Map<String, Object> properties) {
        ApplicationContext ctx = ApplicationContext.builder().properties(properties).build();
        ctx.registerSingleton(RedisBackend.class, backend, Qualifiers.byName(LimiterClientProperties.BACKEND_BEAN));
        return ctx.start();
    }

    @Test
    void theProvidedBackendIsUsedAndLeftOpenOnShutdown() throws Exception {
        String prefix = TestSupport.uniquePrefix("provided");
        try (LettuceBackend backend = LettuceBackend.create(RedisExtension.shared().uri())) {
            try (ApplicationContext ctx = start(backend, Map.of("limiter.client.key-prefix", prefix,
                    "limiter.client.limits.jobs.permits", "2", "micronaut.server.port", -1))) {
                LimiterClient client = ctx.getBean(LimiterClient.class);
                try (Permit p = client.limiter("jobs").acquire(Duration.ofSeconds(2))) {
                    assertThat(TestSupport.state(prefix, "jobs").permitsInUse()).isEqualTo(1);
                }
            }
            // The application still owns the connection: it works after the integration closed.
            LimitStore store = new LimitStore(backend, new KeySchema(prefix));
            assertThat(store.state("jobs", 0).get(5, TimeUnit.SECONDS).orElseThrow().permitsInUse()).isZero();
        }
    }

    @Test
    void aUriBesidesTheProvidedBackendStopsTheStart() {
        try (LettuceBackend backend = LettuceBackend.create(RedisExtension.shared().uri())) {
            Throwable t = catchThrowable(() -> start(backend, Map.of("limiter.client.redis-uri",
                    "redis://:secret@127.0.0.1:6379", "micronaut.server.port", -1)).close());
            Throwable c = t;
            while (c != null
                    && !(c instanceof ConfigurationException && !(c.getCause() instanceof ConfigurationException))) {
                c = c.getCause();
            }
            assertThat(c).as("a ConfigurationException in %s", t).isNotNull();
            assertThat(c.getMessage()).isEqualTo("limiter.client.redis-uri must be left unset when the application "
                    + "provides the connection (a RedisBackend bean named 'limiter'), was 'redis://***@127.0.0.1:6379'");
        }
    }
}
