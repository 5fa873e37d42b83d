package io.limiter.client.internal;

import io.limiter.client.LimiterListener;
import io.limiter.client.RedisDownPolicy;
import io.limiter.core.redis.RedisBackend;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** The settings a client was built with; immutable. {@code backend} and {@code callbackExecutor} may be null. */
public record ClientConfig(String redisUri, RedisBackend backend, String instanceId, String keyPrefix,
        Duration connectTimeout, Duration commandTimeout, Duration heartbeatInterval, Executor callbackExecutor,
        RedisDownPolicy redisDownPolicy, Map<String, RedisDownPolicy> redisDownPolicies,
        List<LimiterListener> listeners) {

    /** The Redis-down policy of {@code limit}. */
    public RedisDownPolicy redisDownPolicy(String limit) {
        return redisDownPolicies.getOrDefault(limit, redisDownPolicy);
    }

    /** {@code host:pid}. */
    public static String defaultInstanceId() {
        return hostName() + ":" + ProcessHandle.current().pid();
    }

    /** This host's name, taken from {@code HOSTNAME} when set (fast in containers). */
    public static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "unknown-host";
            }
        }
        return host;
    }
}
