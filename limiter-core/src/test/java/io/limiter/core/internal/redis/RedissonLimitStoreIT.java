package io.limiter.core.internal.redis;

import io.limiter.core.redis.RedisBackend;
import io.limiter.core.redis.RedissonBackend;
import java.util.IdentityHashMap;
import java.util.Map;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** The backend contract on Redisson (a client the test owns, as a service would). */
class RedissonLimitStoreIT extends LimitStoreContract {
    private final Map<RedisBackend, RedissonClient> clients = new IdentityHashMap<>();

    @Override
    protected RedisBackend newBackend(String redisUri) {
        Config config = new Config();
        config.useSingleServer().setAddress(redisUri).setConnectionMinimumIdleSize(1).setConnectionPoolSize(4)
                .setSubscriptionConnectionMinimumIdleSize(1).setSubscriptionConnectionPoolSize(2);
        RedissonClient redisson = Redisson.create(config);
        RedisBackend backend = RedissonBackend.wrap(redisson);
        clients.put(backend, redisson);
        return backend;
    }

    @Override
    protected void closeBackend(RedisBackend backend) {
        backend.close();
        RedissonClient r = clients.remove(backend);
        if (r != null) {
            r.shutdown();
        }
    }
}
