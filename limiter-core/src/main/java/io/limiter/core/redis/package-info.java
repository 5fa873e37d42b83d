/**
 * The Redis extension point: the narrow {@link io.limiter.core.redis.RedisBackend backend port} (run a
 * {@link io.limiter.core.redis.Script script}, listen on a channel, scan keys) and its two adapters,
 * {@link io.limiter.core.redis.LettuceBackend} (standalone, Sentinel, Cluster) and
 * {@link io.limiter.core.redis.RedissonBackend}; plus {@link io.limiter.core.redis.LimitState} and
 * {@link io.limiter.core.redis.Holder}, a limit's live state as the admin side and the policy gauges see it.
 * The typed store, the codecs and the script protocol the client and the server build on are internal
 * ({@code io.limiter.core.internal.redis}).
 */
package io.limiter.core.redis;
