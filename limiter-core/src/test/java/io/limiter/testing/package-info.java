/**
 * Real-Redis test support shared by every module through limiter-core's test-jar:
 * {@link io.limiter.testing.RedisExtension} (one Redis per test JVM) and {@link io.limiter.testing.RedisProcess}
 * (a redis-server a test owns, to stop, restart or flush).
 */
package io.limiter.testing;
