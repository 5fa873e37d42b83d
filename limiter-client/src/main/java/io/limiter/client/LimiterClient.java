package io.limiter.client;

import io.limiter.core.LimitPolicy;
import java.util.Optional;

/**
 * Entry point of the client library: one per process and Redis, shared by every thread. Defines limits and
 * hands out {@link DistributedLimiter}s; renews the leases of held permits in the background (one batched call
 * per limit per tick, every third of the lease).
 *
 * <pre>{@code
 * try (LimiterClient client = LimiterClient.create("redis://127.0.0.1:6379")) {
 *     client.define("payments", LimitPolicy.builder().concurrency(10).build());
 *     DistributedLimiter limiter = client.limiter("payments");
 *     try (Permit permit = limiter.acquire(Duration.ofSeconds(5))) {
 *         pay();
 *     }
 * }
 * }</pre>
 *
 * All methods are thread-safe. The blocking ones wait at most the configured command timeout for Redis and
 * throw {@link io.limiter.core.LimiterUnavailableException} beyond it.
 */
public interface LimiterClient extends AutoCloseable {

    /**
     * A client with default settings for a {@code redis://} or {@code rediss://} URI. Does not connect yet, so it
     * works even if Redis is down at the moment.
     *
     * @throws io.limiter.core.LimiterValidationException if the URI is not valid
     */
    static LimiterClient create(String redisUri) {
        return builder().redisUri(redisUri).build();
    }

    /** A builder for every setting. */
    static LimiterClientBuilder builder() {
        return new LimiterClientBuilder();
    }

    /**
     * Stores {@code policy} for {@code name} unless the limit already has a policy, and returns the policy now in
     * Redis. Never overwrites one set by an operator: compare the result with what you asked for.
     */
    LimitPolicy define(String name, LimitPolicy policy);

    /**
     * Overwrites (or creates) the policy of {@code name}; returns the previous one, if any. Reaches every
     * instance at once. A rate change keeps the current token level; fewer permits let current holders finish
     * and admit no one new until usage is under the new cap.
     */
    Optional<LimitPolicy> replace(String name, LimitPolicy policy);

    /** The policy stored for {@code name}, if it is defined. */
    Optional<LimitPolicy> policy(String name);

    /** Removes the limit's policy and state; false if it did not exist. Holders' renewals then report lost. */
    boolean delete(String name);

    /**
     * The limiter of {@code name} (the same object for the same name). Does not contact Redis; acquiring from an
     * undefined limit fails with {@link io.limiter.core.UnknownLimitException}.
     *
     * @throws io.limiter.core.LimiterValidationException if the name breaks the naming rule
     * @throws io.limiter.core.LimiterClosedException if this client is closed
     */
    DistributedLimiter limiter(String name);

    /** This process's instance id, recorded as the owner of its permits ({@code host:pid} by default). */
    String instanceId();

    /**
     * Releases every permit still held and waits until Redis answered every release queued before, including those
     * of permits closed just before ({@link Permit#close()} does not wait); best effort, bounded by the command
     * timeout per limit. Then stops renewing and closes the connections this client opened. Idempotent; a call made
     * while another thread is closing the client returns once that close has finished. Acquires still waiting fail
     * with {@link io.limiter.core.LimiterClosedException}, and so does every call made afterwards.
     */
    @Override
    void close();
}
