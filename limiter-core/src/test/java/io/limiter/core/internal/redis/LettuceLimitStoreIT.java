package io.limiter.core.internal.redis;

import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.RedisBackend;

/** The backend contract on Lettuce (standalone). */
class LettuceLimitStoreIT extends LimitStoreContract {
    @Override
    protected RedisBackend newBackend(String redisUri) {
        return LettuceBackend.create(redisUri);
    }

    @Override
    protected void closeBackend(RedisBackend backend) {
        backend.close();
    }
}
