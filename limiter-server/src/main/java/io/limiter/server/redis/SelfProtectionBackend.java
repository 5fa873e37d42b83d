package io.limiter.server.redis;

import io.limiter.core.redis.RedisBackend;
import io.limiter.micronaut.LimiterClientProperties;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Hands the server's one Redis connection to limiter-micronaut, whose HTTP filter caps the server's own expensive
 * reads and dashboard streams (the {@code limiter-admin-*} limits, see application.yml). Sharing it, rather than
 * giving the module a {@code limiter.client.redis-uri}, keeps development mode working (the embedded Redis's
 * address is known only once it has started) and keeps one set of Redis settings ({@code limiter.redis-uri},
 * timeouts). {@link RedisConnection} closes the connection, after the module's client (which depends on it) has
 * flushed its releases.
 */
@Factory
class SelfProtectionBackend {

    @Singleton
    @Named(LimiterClientProperties.BACKEND_BEAN)
    RedisBackend selfProtectionBackend(RedisConnection redis) {
        return redis.backend();
    }
}
