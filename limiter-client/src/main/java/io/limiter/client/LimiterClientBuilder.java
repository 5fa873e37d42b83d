package io.limiter.client;

import io.limiter.client.internal.ClientConfig;
import io.limiter.client.internal.DefaultLimiterClient;
import io.limiter.core.LimitNames;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.RedisBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Settings of a {@link LimiterClient}. Not thread-safe; {@link #build()} copies the values, so reusing the
 * builder never changes a built client. Each setter checks its own value and throws
 * {@link LimiterValidationException} naming the setting; {@link #build()} checks the combination.
 */
public final class LimiterClientBuilder {
    /** Default bound on opening a Redis connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = LettuceBackend.DEFAULT_CONNECT_TIMEOUT;
    /** Default bound on one Redis call (one acquire, release or renewal). */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = LettuceBackend.DEFAULT_COMMAND_TIMEOUT;

    /** Default interval of the instance heartbeat that makes this process visible to the admin server. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

    private String redisUri;
    private RedisBackend backend;
    private String instanceId;
    private String keyPrefix = KeySchema.DEFAULT_PREFIX;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private RedisDownPolicy redisDownPolicy = RedisDownPolicy.FAIL_CLOSED;
    private final Map<String, RedisDownPolicy> redisDownPolicies = new HashMap<>();
    private final List<LimiterListener> listeners = new ArrayList<>();
    private Executor callbackExecutor;

    LimiterClientBuilder() {
    }

    /**
     * The Redis to use: {@code redis://[:password@]host[:port][/db]} or {@code rediss://...} (TLS),
     * {@code redis-sentinel://host:26379[,host2:26379...][/db]#master} (Sentinel) or
     * {@code redis-cluster://host:7000[,host2:7001...]} (Redis Cluster 7+; {@code rediss-cluster://} for TLS).
     */
    public LimiterClientBuilder redisUri(String redisUri) {
        LettuceBackend.validate(redisUri);
        this.redisUri = redisUri;
        return this;
    }

    /**
     * A backend to use instead of a URI (e.g. over a Lettuce client the service already has). The client does
     * not close it.
     */
    public LimiterClientBuilder backend(RedisBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        return this;
    }

    /** The owner recorded on this process's permits; default {@code host:pid}. 1 to 200 characters. */
    public LimiterClientBuilder instanceId(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        if (instanceId.isEmpty() || instanceId.length() > 200) {
            throw new LimiterValidationException("instanceId", instanceId, "be 1 to 200 characters long");
        }
        this.instanceId = instanceId;
        return this;
    }

    /** The first part of every key ({@code PREFIX:{name}:...}); default {@code limiter}. */
    public LimiterClientBuilder keyPrefix(String keyPrefix) {
        this.keyPrefix = LimitNames.requireValidPrefix(keyPrefix);
        return this;
    }

    /** Bound on opening a connection to Redis; default 2 s. */
    public LimiterClientBuilder connectTimeout(Duration connectTimeout) {
        this.connectTimeout = positive("connectTimeout", connectTimeout);
        return this;
    }

    /** Bound on one Redis call; default 2 s. Blocking calls fail with LimiterUnavailableException beyond it. */
    public LimiterClientBuilder commandTimeout(Duration commandTimeout) {
        this.commandTimeout = positive("commandTimeout", commandTimeout);
        return this;
    }

    /**
     * How often this process tells Redis it is alive (with the number of permits it holds), for the admin
     * server's instance list; default 10 s. An instance not heard from for three intervals is dropped.
     */
    public LimiterClientBuilder heartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = positive("heartbeatInterval", heartbeatInterval);
        return this;
    }

    /** What acquiring does while Redis is unreachable, for every limit without its own setting; default FAIL_CLOSED. */
    public LimiterClientBuilder redisDownPolicy(RedisDownPolicy policy) {
        this.redisDownPolicy = Objects.requireNonNull(policy, "redisDownPolicy");
        return this;
    }

    /** What acquiring from {@code limit} does while Redis is unreachable. */
    public LimiterClientBuilder redisDownPolicy(String limit, RedisDownPolicy policy) {
        redisDownPolicies.put(LimitNames.requireValidName(limit), Objects.requireNonNull(policy, "redisDownPolicy"));
        return this;
    }

    /** Adds a listener (metrics, logs); see {@link io.limiter.client.metrics.MicrometerLimiterMetrics}. */
    public LimiterClientBuilder listener(LimiterListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Where {@link DistributedLimiter#acquireAsync} futures are completed; default a pool of daemon threads
     * owned by the client. Never a Redis I/O thread.
     */
    public LimiterClientBuilder callbackExecutor(Executor callbackExecutor) {
        this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
        return this;
    }

    /**
     * Builds the client. It connects lazily, on first use.
     *
     * @throws LimiterValidationException if neither or both of a Redis URI and a backend were given
     */
    public LimiterClient build() {
        if ((redisUri == null) == (backend == null)) {
            throw new LimiterValidationException("redisUri", redisUri,
                    "be set, or a backend given instead (exactly one of the two)");
        }
        return new DefaultLimiterClient(new ClientConfig(redisUri, backend,
                instanceId != null ? instanceId : ClientConfig.defaultInstanceId(), keyPrefix, connectTimeout,
                commandTimeout, heartbeatInterval, callbackExecutor, redisDownPolicy, Map.copyOf(redisDownPolicies),
                List.copyOf(listeners)));
    }

    private static Duration positive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new LimiterValidationException(field, d, "be positive");
        }
        return d;
    }

    /** The instance id used when none is set: {@code host:pid} of this process. */
    public static String defaultInstanceId() {
        return ClientConfig.defaultInstanceId();
    }
}
