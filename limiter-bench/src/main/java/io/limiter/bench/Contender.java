package io.limiter.bench;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimitPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RSemaphore;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ReadMode;

/**
 * One implementation in one process of the multi-process benchmark: the same calls the single-JVM cases make
 * (ours, Redisson's {@code RSemaphore}/{@code RPermitExpirableSemaphore}/{@code RRateLimiter}, Bucket4j Lettuce plain
 * and batched), on a standalone ({@code redis://}) or cluster ({@code redis-cluster://}) URI. Thread-safe as its
 * clients are.
 */
abstract class Contender implements AutoCloseable {
    static final String KEY_PREFIX = "bench";

    /** Blocks until a permit is granted; returns what releases it. */
    Runnable acquire() throws Exception {
        throw new UnsupportedOperationException("not a semaphore");
    }

    /** One non-blocking attempt at one token. */
    boolean tryAcquire() {
        throw new UnsupportedOperationException("not a rate limiter");
    }

    /** Connects and reads the limit once (no permit or token taken), so the window does not time the connect. */
    abstract void warmUp();

    @Override
    public abstract void close();

    /** Human name of {@code impl} in {@code w}, as in the single-JVM tables. */
    static String displayName(String impl, Workload w) {
        return switch (impl) {
            case "ours" -> w.blocking() ? "ours acquire()" : "ours tryAcquire()";
            case "ours-fair" -> "ours acquire(), fair limit";
            case "rsemaphore" -> "Redisson RSemaphore";
            case "rpermit" -> "Redisson RPermitExpirableSemaphore";
            case "rratelimiter" -> "Redisson RRateLimiter";
            case "bucket4j" -> "Bucket4j Lettuce tryConsume(1)";
            case "bucket4j-batch" -> "Bucket4j Lettuce + batching";
            default -> throw new IllegalArgumentException("impl must be one of the workload's " + w.impls + ", was '"
                    + impl + "'");
        };
    }

    /** Defines {@code limit} afresh for {@code impl} (run by the parent before the children start). */
    static void define(String uri, String impl, String limit, Workload w) {
        if (impl.startsWith("bucket4j")) {
            return; // Bucket4j: every process passes the same configuration; the first call creates the bucket.
        }
        if (impl.startsWith("ours")) {
            try (LimiterClient c = LimiterClient.builder().redisUri(uri).keyPrefix(KEY_PREFIX).build()) {
                LimitPolicy.Builder b = w.blocking()
                        ? LimitPolicy.builder().concurrency(w.permits).lease(Duration.ofSeconds(30))
                        : LimitPolicy.builder().rate(Workload.RATE_PER_SECOND, Duration.ofSeconds(1))
                                .burst(Workload.BURST);
                c.replace(limit, b.fair(impl.equals("ours-fair")).build());
            }
            return;
        }
        RedissonClient r = redisson(uri);
        try {
            switch (impl) {
                case "rsemaphore" -> {
                    r.getSemaphore(limit).delete();
                    r.getSemaphore(limit).trySetPermits(w.permits);
                }
                case "rpermit" -> {
                    r.getPermitExpirableSemaphore(limit).delete();
                    r.getPermitExpirableSemaphore(limit).trySetPermits(w.permits);
                }
                case "rratelimiter" -> {
                    r.getRateLimiter(limit).delete();
                    r.getRateLimiter(limit).trySetRate(RateType.OVERALL, Workload.RATE_PER_SECOND,
                            Duration.ofSeconds(1));
                }
                default -> displayName(impl, w);
            }
        } finally {
            r.shutdown();
        }
    }

    /** Opens {@code impl}'s client on {@code limit} in this process. */
    static Contender open(String uri, String impl, String limit, Workload w) {
        displayName(impl, w);
        if (impl.startsWith("ours")) {
            LimiterClient c = LimiterClient.builder().redisUri(uri).keyPrefix(KEY_PREFIX)
                    .commandTimeout(Duration.ofSeconds(10)).build();
            DistributedLimiter l = c.limiter(limit);
            return new Contender() {
                @Override
                Runnable acquire() {
                    Permit p = l.acquire(Duration.ofSeconds(60));
                    return p::close;
                }

                @Override
                boolean tryAcquire() {
                    return l.tryAcquire().isPresent();
                }

                @Override
                void warmUp() {
                    c.policy(limit);
                }

                @Override
                public void close() {
                    c.close();
                }
            };
        }
        if (impl.startsWith("bucket4j")) {
            return bucket4j(uri, impl.equals("bucket4j-batch"), limit);
        }
        return RedissonContender.open(redisson(uri), impl, limit);
    }

    static RedissonClient redisson(String uri) {
        Config config = new Config();
        if (uri.startsWith("redis-cluster://")) {
            config.useClusterServers().setReadMode(ReadMode.MASTER).setTimeout(10_000)
                    .addNodeAddress(hosts(uri).stream().map(h -> "redis://" + h).toArray(String[]::new));
        } else {
            config.useSingleServer().setAddress(uri).setTimeout(10_000);
        }
        return Redisson.create(config);
    }

    private static List<String> hosts(String clusterUri) {
        return Arrays.asList(clusterUri.substring("redis-cluster://".length()).split(","));
    }

    private static Contender bucket4j(String uri, boolean batching, String limit) {
        BucketConfiguration cfg = BucketConfiguration.builder().addLimit(l -> l.capacity(Workload.BURST)
                .refillGreedy(Workload.RATE_PER_SECOND, Duration.ofSeconds(1))).build();
        AutoCloseable closer;
        ProxyManager<byte[]> pm;
        if (uri.startsWith("redis-cluster://")) {
            RedisClusterClient cc = RedisClusterClient.create(hosts(uri).stream()
                    .map(h -> RedisURI.create("redis://" + h)).toList());
            StatefulRedisClusterConnection<byte[], byte[]> c = cc.connect(ByteArrayCodec.INSTANCE);
            pm = Bucket4jLettuce.casBasedBuilder(c).build();
            closer = () -> {
                c.close();
                cc.shutdown();
            };
        } else {
            RedisClient rc = RedisClient.create(uri);
            StatefulRedisConnection<byte[], byte[]> c = rc.connect(ByteArrayCodec.INSTANCE);
            pm = Bucket4jLettuce.casBasedBuilder(c).build();
            closer = () -> {
                c.close();
                rc.shutdown();
            };
        }
        byte[] key = limit.getBytes(StandardCharsets.UTF_8);
        BucketProxy bucket = batching ? pm.builder().withOptimization(Optimizations.batching()).build(key, () -> cfg)
                : pm.builder().build(key, () -> cfg);
        return new Contender() {
            @Override
            boolean tryAcquire() {
                return bucket.tryConsume(1);
            }

            @Override
            void warmUp() {
                bucket.getAvailableTokens();
            }

            @Override
            public void close() {
                try {
                    closer.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** Redisson's semaphores and rate limiter, with the calls of the single-JVM cases. */
    private static final class RedissonContender extends Contender {
        private final RedissonClient client;
        private final RSemaphore rs;
        private final RPermitExpirableSemaphore rx;
        private final RRateLimiter rrl;

        private RedissonContender(RedissonClient client, String impl, String limit) {
            this.client = client;
            this.rs = impl.equals("rsemaphore") ? client.getSemaphore(limit) : null;
            this.rx = impl.equals("rpermit") ? client.getPermitExpirableSemaphore(limit) : null;
            this.rrl = impl.equals("rratelimiter") ? client.getRateLimiter(limit) : null;
        }

        static Contender open(RedissonClient client, String impl, String limit) {
            return new RedissonContender(client, impl, limit);
        }

        @Override
        Runnable acquire() throws Exception {
            if (rs != null) {
                rs.acquire();
                return rs::release;
            }
            String id = rx.acquire(30, TimeUnit.SECONDS);
            return () -> rx.release(id);
        }

        @Override
        boolean tryAcquire() {
            return rrl.tryAcquire();
        }

        @Override
        void warmUp() {
            if (rs != null) {
                rs.availablePermits();
            } else if (rx != null) {
                rx.availablePermits();
            } else {
                rrl.availablePermits();
            }
        }

        @Override
        public void close() {
            client.shutdown();
        }
    }
}
