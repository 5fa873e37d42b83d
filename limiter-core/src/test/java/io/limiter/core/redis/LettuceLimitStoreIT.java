package io.limiter.core.redis;

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
