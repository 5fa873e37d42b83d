/**
 * Redis access: the Lua {@link io.limiter.core.redis.Script scripts}, the narrow
 * {@link io.limiter.core.redis.RedisBackend backend port} with its Lettuce implementation, the
 * {@link io.limiter.core.redis.KeySchema key schema} and {@link io.limiter.core.redis.LimitStore}, the typed
 * operations the client and the admin server build on.
 */
package io.limiter.core.redis;
