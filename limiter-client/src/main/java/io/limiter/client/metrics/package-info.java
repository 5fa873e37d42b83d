/** Micrometer metrics for the client ({@link io.limiter.client.metrics.MicrometerLimiterMetrics}); optional. */
package io.limiter.client.metrics;
