package io.limiter.testing;

import java.io.File;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that injects a real {@link TestRedis} into test constructors and methods (including
 * {@code @BeforeAll}). One Redis serves the whole test JVM, chosen in this order:
 * <ol>
 *   <li>the URI in {@code LIMITER_TEST_REDIS_URI}, if set;</li>
 *   <li>a Testcontainers Redis, when a Docker engine is reachable ({@code DOCKER_HOST} or the socket file first,
 *       then Testcontainers' own check);</li>
 *   <li>a {@code redis-server} process on a free loopback port ({@link RedisProcess}), from the {@code PATH} or
 *       the binary shipped in {@code org.signal:embedded-redis}.</li>
 * </ol>
 * The choice is logged once. Tests that stop, restart or flush Redis must start their own {@link RedisProcess}.
 */
public final class RedisExtension implements ParameterResolver {
    private static final Logger log = LoggerFactory.getLogger(RedisExtension.class);
    private static final String ENV = "LIMITER_TEST_REDIS_URI";

    private static TestRedis shared;

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
        return p.getParameter().getType() == TestRedis.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
        return shared();
    }

    /** The JVM-wide test Redis, started on first use. */
    public static synchronized TestRedis shared() {
        if (shared == null) {
            shared = provision();
            log.info("Test Redis: {} at {}", shared.source(), shared.uri());
        }
        return shared;
    }

    private static TestRedis provision() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return of(env.trim(), "environment variable " + ENV);
        }
        if (dockerLikely()) {
            TestRedis container = Containers.tryStart();
            if (container != null) {
                return container;
            }
        }
        RedisProcess process = RedisProcess.start();
        return of(process.uri(), "local redis-server process on port " + process.port());
    }

    private static boolean dockerLikely() {
        String host = System.getenv("DOCKER_HOST");
        if (host != null && !host.isBlank()) {
            return true;
        }
        return new File("/var/run/docker.sock").exists()
                || new File(System.getProperty("user.home"), ".docker/run/docker.sock").exists();
    }

    static TestRedis of(String uri, String source) {
        return new TestRedis() {
            @Override
            public String uri() {
                return uri;
            }

            @Override
            public String source() {
                return source;
            }

            @Override
            public String toString() {
                return source + " " + uri;
            }
        };
    }

    /** Kept apart so the Testcontainers classes load only when Docker looks reachable. */
    private static final class Containers {
        static TestRedis tryStart() {
            try {
                if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
                    return null;
                }
                com.redis.testcontainers.RedisContainer c = new com.redis.testcontainers.RedisContainer(
                        com.redis.testcontainers.RedisContainer.DEFAULT_IMAGE_NAME.withTag("7.4"));
                c.start();
                Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "stop-redis-container"));
                return of("redis://" + c.getRedisHost() + ":" + c.getRedisPort(), "Testcontainers (redis:7.4)");
            } catch (RuntimeException | LinkageError e) {
                log.info("Docker looked reachable but Testcontainers could not start Redis ({}); "
                        + "falling back to a local redis-server", e.toString());
                return null;
            }
        }
    }
}
