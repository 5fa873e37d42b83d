/**
 * Micronaut integration of the Distributed Limiter: a {@link io.limiter.client.LimiterClient} bean built from
 * {@code limiter.client.*} properties (with declared limits defined at start, Micrometer metrics and a health
 * indicator), the {@link io.limiter.micronaut.Limited @Limited} annotation for bean methods, and an HTTP server
 * filter configured under {@code limiter.http.*} that answers 429 with {@code Retry-After} and the IETF
 * {@code RateLimit} / {@code RateLimit-Policy} fields. Everything else lives in the {@code internal} package.
 */
package io.limiter.micronaut;
