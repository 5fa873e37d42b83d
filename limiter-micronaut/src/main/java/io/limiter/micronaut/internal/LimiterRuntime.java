package io.limiter.micronaut.internal;

import io.limiter.client.LimiterClient;
import io.limiter.client.LimiterClientBuilder;
import io.limiter.client.LimiterListener;
import io.limiter.client.RedisDownPolicy;
import io.limiter.core.LimitNames;
import io.limiter.core.LimitPolicy;
import io.limiter.core.PolicySchema;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.RedisBackend;
import io.limiter.micronaut.DeclaredLimitProperties;
import io.limiter.micronaut.LimiterClientProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.naming.conventions.StringConvention;
import io.micronaut.core.value.PropertyResolver;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the integration owns: one Redis backend shared by the {@link LimiterClient} bean and the read-only
 * {@link LimitStore} used for the rate-limit headers, and the declared limits. Created at startup ({@link Context}),
 * so a bad setting stops the application with a message naming it. Closed on shutdown: the client first (queued
 * releases are flushed), then the connection, unless the application provided it (a {@link RedisBackend} bean
 * named {@value LimiterClientProperties#BACKEND_BEAN}), which it then closes itself.
 */
@Context
@Requires(property = LimiterClientProperties.PREFIX + ".enabled", notEquals = "false")
final class LimiterRuntime implements AutoCloseable {
    private final RedisBackend backend;
    private final boolean ownsBackend;
    private final LimiterClient client;
    private final LimitStore store;
    private final Map<String, LimitPolicy> declared = new LinkedHashMap<>();
    private final Map<String, Boolean> enforced = new LinkedHashMap<>();
    private final Duration commandTimeout;

    LimiterRuntime(LimiterClientProperties p, List<DeclaredLimitProperties> limits, List<LimiterListener> listeners,
            PropertyResolver settings, @Nullable @Named(LimiterClientProperties.BACKEND_BEAN) RedisBackend provided) {
        String prefix = LimiterClientProperties.PREFIX + ".";
        boolean uriSet = p.getRedisUri() != null && !p.getRedisUri().isBlank();
        if (provided == null && !uriSet) {
            throw new ConfigurationException(Messages.invalid(prefix + "redis-uri", null, Messages.REDIS_URI_REQUIRED));
        }
        if (provided != null && uriSet) {
            throw new ConfigurationException(Messages.invalid(prefix + "redis-uri",
                    LettuceBackend.redactText(p.getRedisUri().trim()), Messages.REDIS_URI_WITH_BACKEND));
        }
        String uri = uriSet ? p.getRedisUri().trim() : null;
        if (uri != null) {
            Settings.check(prefix + "redis-uri", () -> LettuceBackend.validate(uri));
        }
        Duration connect = Settings.duration(prefix + "connect-timeout", p.getConnectTimeout(),
                LimiterClientBuilder.DEFAULT_CONNECT_TIMEOUT, false);
        this.commandTimeout = Settings.duration(prefix + "command-timeout", p.getCommandTimeout(),
                LimiterClientBuilder.DEFAULT_COMMAND_TIMEOUT, false);
        Duration heartbeat = Settings.duration(prefix + "heartbeat-interval", p.getHeartbeatInterval(),
                LimiterClientBuilder.DEFAULT_HEARTBEAT_INTERVAL, false);
        String keyPrefix = p.getKeyPrefix() == null ? KeySchema.DEFAULT_PREFIX
                : Settings.check(prefix + "key-prefix", () -> LimitNames.requireValidPrefix(p.getKeyPrefix()));

        LimiterClientBuilder b = LimiterClient.builder().keyPrefix(keyPrefix).connectTimeout(connect)
                .commandTimeout(commandTimeout).heartbeatInterval(heartbeat);
        if (p.getInstanceId() != null) {
            Settings.check(prefix + "instance-id", () -> b.instanceId(p.getInstanceId()));
        }
        RedisDownPolicy all = Settings.downPolicy(prefix + "redis-down-policy", p.getRedisDownPolicy());
        if (all != null) {
            b.redisDownPolicy(all);
        }
        for (DeclaredLimitProperties d : limits) {
            String at = DeclaredLimitProperties.PREFIX + "." + d.getName();
            Settings.check(at, () -> LimitNames.requireValidName(d.getName()));
            RedisDownPolicy down = Settings.downPolicy(at + ".redis-down-policy", d.getRedisDownPolicy());
            if (down != null) {
                b.redisDownPolicy(d.getName(), down);
            }
            Map<String, Object> fields = DeclaredLimitProperties.policyFields(settings.getProperties(at,
                    StringConvention.RAW));
            if (!fields.isEmpty()) {
                declared.put(d.getName(), Settings.checkField(at, () -> PolicySchema.parse(fields, true)));
                enforced.put(d.getName(), d.isEnforce());
            }
        }
        listeners.forEach(b::listener);

        this.ownsBackend = provided == null;
        this.backend = provided != null ? provided : LettuceBackend.create(uri, connect, commandTimeout);
        this.client = b.backend(backend).build();
        this.store = new LimitStore(backend, new KeySchema(keyPrefix));
    }

    LimiterClient client() {
        return client;
    }

    /** Read-only use (the rate-limit headers' state reads); grants always go through the client. */
    LimitStore store() {
        return store;
    }

    Duration commandTimeout() {
        return commandTimeout;
    }

    /** Declared policies by name, in configuration order. */
    Map<String, LimitPolicy> declared() {
        return declared;
    }

    boolean enforced(String name) {
        return enforced.getOrDefault(name, false);
    }

    @PreDestroy
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            if (ownsBackend) {
                backend.close();
            }
        }
    }
}
