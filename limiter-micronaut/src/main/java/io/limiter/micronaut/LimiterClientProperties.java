package io.limiter.micronaut;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * {@code limiter.client.*}: the settings of the application's {@link io.limiter.client.LimiterClient} bean.
 * Values are text as written in the configuration and are checked when the bean is created, with messages that
 * name the property ({@code limiter.client.connect-timeout must be a duration like 500ms, ...}).
 *
 * <pre>
 * limiter:
 *   client:
 *     redis-uri: redis://127.0.0.1:6379       # also rediss://, redis-sentinel://...#master, redis-cluster://...
 *     instance-id: checkout-1                  # default host:pid
 *     key-prefix: limiter
 *     connect-timeout: 2s
 *     command-timeout: 2s
 *     heartbeat-interval: 10s
 *     redis-down-policy: fail-closed           # fail-open, local-fallback
 * </pre>
 *
 * <p>An application that already has a Redis connection can hand it over instead of {@code redis-uri}: a
 * {@link io.limiter.core.redis.RedisBackend} bean named {@value #BACKEND_BEAN}. The client and the header reads then
 * use it, {@code redis-uri} must be left unset ({@code connect-timeout} does not apply), and the application closes
 * it (after this integration, which depends on it). The admin server does this, so its own limits share its one
 * connection.
 */
@ConfigurationProperties(LimiterClientProperties.PREFIX)
public class LimiterClientProperties {
    /** The prefix of these properties. */
    public static final String PREFIX = "limiter.client";
    /** The name of the {@link io.limiter.core.redis.RedisBackend} bean used instead of {@code redis-uri}. */
    public static final String BACKEND_BEAN = "limiter";

    private boolean enabled = true;
    private String redisUri;
    private String instanceId;
    private String keyPrefix;
    private String connectTimeout;
    private String commandTimeout;
    private String heartbeatInterval;
    private String redisDownPolicy;

    /** False turns the whole integration off (no client bean, no filter, no interceptor checks). */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** The Redis to use; required unless the application provides a backend bean ({@link #BACKEND_BEAN}). */
    @Nullable
    public String getRedisUri() {
        return redisUri;
    }

    public void setRedisUri(@Nullable String redisUri) {
        this.redisUri = redisUri;
    }

    /** The owner recorded on this process's permits; default {@code host:pid}. */
    @Nullable
    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(@Nullable String instanceId) {
        this.instanceId = instanceId;
    }

    /** The first part of every Redis key; default {@code limiter}. */
    @Nullable
    public String getKeyPrefix() {
        return keyPrefix;
    }

    public void setKeyPrefix(@Nullable String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** Bound on opening a Redis connection; default 2 s. */
    @Nullable
    public String getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(@Nullable String connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** Bound on one Redis call; default 2 s. */
    @Nullable
    public String getCommandTimeout() {
        return commandTimeout;
    }

    public void setCommandTimeout(@Nullable String commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    /** How often this instance tells Redis it is alive; default 10 s. */
    @Nullable
    public String getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(@Nullable String heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    /** What acquiring does while Redis is unreachable, for limits without their own setting; default fail-closed. */
    @Nullable
    public String getRedisDownPolicy() {
        return redisDownPolicy;
    }

    public void setRedisDownPolicy(@Nullable String redisDownPolicy) {
        this.redisDownPolicy = redisDownPolicy;
    }
}
