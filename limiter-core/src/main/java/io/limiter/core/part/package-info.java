/**
 * The parts a policy is made of, one class each ({@link io.limiter.core.part.ConcurrencyPart},
 * {@link io.limiter.core.part.TokenBucketPart}, {@link io.limiter.core.part.QuotaPart}) plus the options of the
 * whole policy: fields and validation, the codec to the policy hash in Redis, and the gauge. Each part's Lua
 * section is {@code part_<name>.lua} next to the scripts. Used by the schema; not an extension point for users.
 */
package io.limiter.core.part;
