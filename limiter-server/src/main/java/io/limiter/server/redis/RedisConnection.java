package io.limiter.server.redis;

import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.RedisBackend;
import io.limiter.server.config.LimiterServerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's Redis: the configured URI, or, in development mode (no URI), an embedded Redis 7 on a free
 * loopback port that lives as long as the server.
 */
@Singleton
public class RedisConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);

    private final String uri;
    private final EmbeddedRedis embedded;
    private final LettuceBackend backend;
    private final LimitStore store;

    public RedisConnection(LimiterServerConfig config) {
        if (config.getRedisUri() != null) {
            this.uri = config.getRedisUri();
            this.embedded = null;
            log.info("Using Redis at {}", LettuceBackend.validate(uri));
        } else {
            int port = freePort();
            try {
                this.embedded = EmbeddedRedis.start(port);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("development mode: could not start the embedded Redis on port "
                        + port + "; set limiter.redis-uri (LIMITER_REDIS_URI) to use your own Redis", e);
            }
            this.uri = "redis://127.0.0.1:" + port;
            log.warn("development mode: no Redis configured (limiter.redis-uri / LIMITER_REDIS_URI), so an embedded "
                    + "Redis 7 was started at {}. Its data is lost when the server stops.", uri);
        }
        this.backend = LettuceBackend.create(uri, config.getConnectTimeout(), config.getCommandTimeout());
        this.store = new LimitStore(backend, new KeySchema(config.getKeyPrefix()));
    }

    /** The Redis URI in use (with its password, for in-process clients such as the demo workers). */
    public String uri() {
        return uri;
    }

    /** True in development mode. */
    public boolean isEmbedded() {
        return embedded != null;
    }

    public LimitStore store() {
        return store;
    }

    /**
     * The connection itself, which this object closes. The server's self-protection (limiter-micronaut) uses it too
     * ({@link SelfProtectionBackend}), so the server keeps one Redis connection setup, embedded mode included.
     */
    public RedisBackend backend() {
        return backend;
    }

    /** The URI without credentials, for logs and messages. */
    public String displayUri() {
        return LettuceBackend.redactText(uri);
    }

    /** Closes the connection, then stops the embedded Redis: after every bean that uses it (they depend on it). */
    @Override
    @PreDestroy
    public void close() {
        backend.close();
        if (embedded != null) {
            embedded.close();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the embedded Redis", e);
        }
    }
}
