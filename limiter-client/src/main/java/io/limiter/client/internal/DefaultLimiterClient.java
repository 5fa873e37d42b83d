package io.limiter.client.internal;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.core.LimitKeys;
import io.limiter.core.LimitNames;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterClosedException;
import io.limiter.core.internal.redis.InstanceInfo;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.RedisBackend;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The client: owns the backend (unless given one), a timer thread and the callback executor. */
public final class DefaultLimiterClient implements LimiterClient {
    private static final Logger log = LoggerFactory.getLogger(DefaultLimiterClient.class);

    private final ClientConfig config;
    private final RedisBackend backend;
    private final boolean ownsBackend;
    private final LimitStore store;
    private final ScheduledThreadPoolExecutor timer;
    private final Clock clock;
    private final Executor callbacks;
    private final ExecutorService ownedCallbacks;
    private final ConcurrentMap<String, DefaultLimiter> limiters = new ConcurrentHashMap<>();
    /** The keys of keyed limits in use here, by the name their state lives under; idle ones are dropped. */
    private final ConcurrentMap<String, DefaultLimiter> keys = new ConcurrentHashMap<>();
    private final InstanceInfo self;
    private final Listeners listeners;
    /** Limits whose Redis node is known to be unreachable now. */
    private final AtomicInteger limitsDown = new AtomicInteger();
    private final ConcurrentMap<String, LimitPolicy> defined = new ConcurrentHashMap<>();
    private volatile int liveInstances = 1;
    private volatile boolean closed;
    private final Object closeLock = new Object();

    public DefaultLimiterClient(ClientConfig config) {
        this.config = config;
        this.ownsBackend = config.backend() == null;
        this.backend = ownsBackend
                ? LettuceBackend.create(config.redisUri(), config.connectTimeout(), config.commandTimeout())
                : config.backend();
        this.store = new LimitStore(backend, new KeySchema(config.keyPrefix()));
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("limiter-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.clock = Clock.system(timer);
        if (config.callbackExecutor() != null) {
            this.callbacks = config.callbackExecutor();
            this.ownedCallbacks = null;
        } else {
            this.ownedCallbacks = Executors.newCachedThreadPool(daemon("limiter-callback"));
            this.callbacks = ownedCallbacks;
        }
        this.listeners = new Listeners(config.listeners());
        this.self = new InstanceInfo(config.instanceId(), ClientConfig.hostName(), ProcessHandle.current().pid(), 0,
                Instant.now(), Instant.EPOCH);
        timer.scheduleWithFixedDelay(() -> heartbeat(false), 0, config.heartbeatInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::dropIdleKeys, KEY_IDLE.toMillis(), KEY_IDLE.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** How often the limiters of idle keys are dropped (so a million keys used once cost nothing here). */
    static final java.time.Duration KEY_IDLE = java.time.Duration.ofSeconds(30);

    /**
     * Drops the limiters of keys with nothing held, waiting or in flight; the next {@code forKey} makes a new one.
     * A caller still holding a dropped one may go on using it.
     */
    void dropIdleKeys() {
        keys.values().removeIf(l -> {
            if (l.idle()) {
                l.detach();
                return true;
            }
            return false;
        });
    }

    /** The limiter of {@code key} of keyed limit {@code family}. */
    DistributedLimiter keyLimiter(String family, String key) {
        if (closed) {
            throw new LimiterClosedException(LimiterClosedException.CLIENT_CLOSED);
        }
        return keys.computeIfAbsent(LimitKeys.nameOf(family, key), n -> new DefaultLimiter(n, this));
    }

    /** Number of key limiters kept now (for tests). */
    int keyLimiters() {
        return keys.size();
    }

    private CompletableFuture<Void> heartbeat(boolean leave) {
        long held = 0;
        for (DefaultLimiter l : limiters.values()) {
            held += l.heldWeight();
        }
        for (DefaultLimiter l : keys.values()) {
            held += l.heldWeight();
        }
        InstanceInfo now = new InstanceInfo(self.id(), self.host(), self.pid(), held, self.startedAt(), Instant.EPOCH);
        return store.heartbeat(now, config.heartbeatInterval().multipliedBy(3), leave)
                .handle((live, e) -> {
                    if (e != null) {
                        log.debug("heartbeat of instance {} failed: {}", self.id(), Futures.unwrap(e).getMessage());
                    } else if (!leave) {
                        liveInstances = Math.max(1, live);
                    }
                    return null;
                });
    }

    @Override
    public LimitPolicy define(String name, LimitPolicy policy) {
        LimitPolicy stored = Futures.await(store.define(name, policy), "define of limit '" + name + "'").stored();
        defined.put(name, policy);
        return stored;
    }

    @Override
    public Optional<LimitPolicy> replace(String name, LimitPolicy policy) {
        Optional<LimitPolicy> previous = Futures.await(store.replace(name, policy), "replace of limit '" + name + "'");
        defined.put(name, policy);
        return previous;
    }

    @Override
    public Optional<LimitPolicy> policy(String name) {
        return Futures.await(store.state(name, 0), "read of limit '" + name + "'").map(s -> s.policy());
    }

    @Override
    public boolean delete(String name) {
        defined.remove(name);
        return Futures.await(store.delete(name), "delete of limit '" + name + "'");
    }

    @Override
    public DistributedLimiter limiter(String name) {
        LimitNames.requireValidName(name);
        if (closed) {
            throw new LimiterClosedException(LimiterClosedException.CLIENT_CLOSED);
        }
        return limiters.computeIfAbsent(name, n -> new DefaultLimiter(n, this));
    }

    @Override
    public String instanceId() {
        return config.instanceId();
    }

    @Override
    public void close() {
        // A second caller (e.g. a shutdown hook racing the main thread) waits until the first has finished closing,
        // so neither returns while queued releases are still being flushed.
        synchronized (closeLock) {
            if (!closed) {
                closed = true;
                closeNow();
            }
        }
    }

    private void closeNow() {
        for (DefaultLimiter l : limiters.values()) {
            l.shutdown();
        }
        for (DefaultLimiter l : keys.values()) {
            l.shutdown();
        }
        try {
            heartbeat(true).get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("instance {} could not say goodbye; it drops out of the list by itself", self.id());
        }
        timer.shutdownNow();
        if (ownedCallbacks != null) {
            ownedCallbacks.shutdown();
        }
        if (ownsBackend) {
            backend.close();
        }
        log.debug("limiter client {} closed", config.instanceId());
    }

    /** The policy this client defined for {@code name} (to define it again if it vanishes), or null. */
    LimitPolicy definedPolicy(String name) {
        return defined.get(name);
    }

    /** Stops defining {@code name} again by itself (an operator deleted it). True if this client had defined it. */
    boolean forget(String name) {
        return defined.remove(name) != null;
    }

    /** Live instances seen at the last heartbeat (at least 1). */
    int liveInstances() {
        return liveInstances;
    }

    Listeners listeners() {
        return listeners;
    }

    /**
     * A health flag for one limit; the client's listeners hear when the first limit loses Redis and the last
     * regains it.
     */
    RedisHealth newHealth(String limit) {
        return new RedisHealth(store, limit, timer, this::healthChanged);
    }

    private void healthChanged(String limit, boolean down, Throwable cause) {
        if (down) {
            if (limitsDown.getAndIncrement() == 0) {
                log.warn("Redis is unreachable (first seen for limit '{}'): {}", limit, cause.getMessage());
                listeners.fire(l -> l.onRedisUnavailable(cause));
            }
        } else if (limitsDown.decrementAndGet() == 0) {
            log.info("Redis is reachable again; back to the shared cap");
            listeners.fire(l -> l.onRedisAvailable());
        }
    }

    LimitStore store() {
        return store;
    }

    RedisBackend backend() {
        return backend;
    }

    ScheduledThreadPoolExecutor timer() {
        return timer;
    }

    Clock clock() {
        return clock;
    }

    Executor callbacks() {
        return callbacks;
    }

    ClientConfig config() {
        return config;
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
