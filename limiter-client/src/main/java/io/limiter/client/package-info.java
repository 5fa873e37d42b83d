/**
 * The client library services embed: {@link io.limiter.client.LimiterClient} (one per process),
 * {@link io.limiter.client.DistributedLimiter} (one per limit) and {@link io.limiter.client.Permit}.
 */
package io.limiter.client;
