/**
 * Internal, no compatibility promise: the typed operations on Redis that limiter-client and limiter-server (and
 * limiter-micronaut, limiter-bench) build on, and nothing else should use. {@link
 * io.limiter.core.internal.redis.LimitStore} (one method per script, over any {@link io.limiter.core.redis.RedisBackend}),
 * its request and result records, the codecs ({@code ExchangeCodec},
 * {@code StateCodec}) and
 * {@code QuotaWindows}, the {@link io.limiter.core.internal.redis.KeySchema key schema},
 * the {@link io.limiter.core.internal.redis.ScriptProtocol script protocol} (status codes, reply slots, the generated
 * Lua header) and {@link io.limiter.core.internal.redis.ScriptErrors} (Redis error replies as the backends report
 * them).
 */
package io.limiter.core.internal.redis;
