/**
 * The limiter's model: {@link io.limiter.core.LimitPolicy} (what a limit allows), name rules and the exception
 * hierarchy rooted at {@link io.limiter.core.LimiterException}. Shared by the client library and the admin
 * server.
 */
package io.limiter.core;
