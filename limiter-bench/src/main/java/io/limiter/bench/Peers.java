package io.limiter.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.limiter.client.LimiterClient;
import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** The clients of one single-JVM run, all on the same Redis: ours, Redisson, and Lettuce for the floor and Bucket4j. */
final class Peers implements AutoCloseable {
    final LimiterClient ours;
    final RedissonClient redisson;
    final StatefulRedisConnection<String, String> floorConnection;
    final StatefulRedisConnection<byte[], byte[]> bucket4jConnection;
    private final RedisClient lettuce;

    Peers(String uri) {
        ours = LimiterClient.builder().redisUri(uri).keyPrefix("bench").commandTimeout(Duration.ofSeconds(10))
                .build();
        Config config = new Config();
        config.useSingleServer().setAddress(uri).setTimeout(10_000);
        redisson = Redisson.create(config);
        lettuce = RedisClient.create(uri);
        floorConnection = lettuce.connect();
        bucket4jConnection = lettuce.connect(ByteArrayCodec.INSTANCE);
    }

    @Override
    public void close() {
        ours.close();
        redisson.shutdown();
        floorConnection.close();
        bucket4jConnection.close();
        lettuce.shutdown();
    }
}
