package io.limiter.core.internal.redis;

import io.limiter.core.CorruptLimitException;
import io.limiter.core.LimitKeys;
import io.limiter.core.LimitNames;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.PolicySchema;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.Exceptions;
import io.limiter.core.redis.LimitState;
import io.limiter.core.redis.RedisBackend;
import io.limiter.core.redis.Script;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Typed access to the limiter's scripts: one method per script, one round trip each. Shared by the client
 * library and the admin server. Thread-safe; every method is asynchronous and never blocks. Names are checked
 * here, before they reach any key.
 */
public final class LimitStore {
    private final RedisBackend backend;
    private final KeySchema keys;
    /** Key lists of recently used limits, so the hot path does not build ten strings per call. */
    private final Map<String, List<String>> keyCache = new ConcurrentHashMap<>();
    /** The exchange pipeline (the hot path), with its caches. */
    private final Exchanges exchanges;
    private final KeyOverrides overrides;

    public LimitStore(RedisBackend backend, KeySchema keys) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.exchanges = new Exchanges(backend, this::keysOf);
        this.overrides = new KeyOverrides(backend, keys);
    }

    /** The overrides of keys of keyed limits. */
    public KeyOverrides overrides() {
        return overrides;
    }

    public KeySchema keySchema() {
        return keys;
    }

    public RedisBackend backend() {
        return backend;
    }

    /**
     * Runs one exchange: the request's releases, then its acquires, decided by Redis in order. With
     * {@code counted}, runs of requests of equal weight go as one counted group the script decides in one step;
     * if the limit is not rate-only and non-fair (any more), those requests come back as {@link NotCounted}: send
     * them again one by one. Grants stay exact and in order. See {@link Exchanges}.
     */
    public CompletableFuture<ExchangeResult> exchange(ExchangeRequest request) {
        return exchanges.exchange(request);
    }

    /**
     * Tries once to take a permit of {@code weight} (and/or {@code weight} tokens) under {@code permitId}.
     * Fails with {@link UnknownLimitException} if the limit is not defined, or {@link LimiterValidationException}
     * (field {@code weight}) if the weight can never be granted under the policy.
     */
    public CompletableFuture<AcquireResult> acquire(String name, String permitId, int weight, String owner) {
        return acquire(name, permitId, weight, owner, "", Duration.ZERO);
    }

    /**
     * Like {@link #acquire(String, String, int, String)} for a waiting acquire holding {@code ticket}: on a fair
     * limit, a denied ticket keeps its place in the queue for {@code ticketTtl} (see {@link LimitStore#keepAlive}).
     */
    public CompletableFuture<AcquireResult> acquire(String name, String permitId, int weight, String owner,
            String ticket, Duration ticketTtl) {
        return exchange(new ExchangeRequest(name, owner, ticketTtl, List.of(), false,
                List.of(new AcquireRequest(permitId, weight, ticket)), false)).thenApply(r -> r.acquired(0));
    }

    /**
     * Releases a permit. Idempotent: completes with false when the id is not held (unknown, released or expired),
     * and then nothing changes. {@code forced} counts it as an operator's forced release.
     */
    public CompletableFuture<Boolean> release(String name, String permitId, boolean forced) {
        return exchange(new ExchangeRequest(name, "", Duration.ZERO, List.of(permitId), forced, List.of(), false))
                .thenApply(r -> r.released().get(0));
    }

    /** Renews the leases of {@code permitIds} (weight 1, epoch unknown) and reports the ones no longer held. */
    public CompletableFuture<RenewResult> renew(String name, Collection<String> permitIds) {
        List<RenewRequest> requests = new ArrayList<>();
        permitIds.forEach(id -> requests.add(new RenewRequest(id, 1, "")));
        return renew(name, "", requests);
    }

    /**
     * Renews held permits in one call. A permit missing from Redis that was granted under an earlier epoch of the
     * limit (Redis lost its data and the limit was created anew) is re-asserted while capacity allows; the rest are
     * reported lost.
     */
    public CompletableFuture<RenewResult> renew(String name, String owner, List<RenewRequest> permits) {
        LimitKeys.requireValidName(name);
        List<String> permitIds = new ArrayList<>(permits.size());
        List<String> args = new ArrayList<>(1 + 3 * permits.size());
        args.add(owner);
        for (RenewRequest p : permits) {
            permitIds.add(p.permitId());
            args.add(p.permitId());
            args.add(Integer.toString(p.weight()));
            args.add(p.epoch() == null ? "" : p.epoch());
        }
        return backend.eval(Script.RENEW, keysOf(name), args)
                .thenApply(reply -> {
                    List<?> r = list(reply);
                    long status = number(r.get(0));
                    if (status == ScriptProtocol.S_UNKNOWN || status == ScriptProtocol.S_DELETED) {
                        return new RenewResult(0, Duration.ZERO, List.copyOf(permitIds), 0, "", true,
                                status == ScriptProtocol.S_DELETED);
                    }
                    List<String> lost = new ArrayList<>();
                    for (Object id : list(r.get(2))) {
                        lost.add((String) id);
                    }
                    return new RenewResult(number(r.get(0)), Duration.ofMillis(number(r.get(1))),
                            Collections.unmodifiableList(lost), (int) number(r.get(3)), (String) r.get(4), false,
                            false);
                });
    }

    /**
     * Fair limits: keeps this instance's waiting tickets queued; completes with those no longer queued and the
     * head ticket if it may take a permit now (so a missed wake-up message is made up for).
     */
    public CompletableFuture<KeepAliveResult> keepAlive(String name, Duration ticketTtl, Collection<String> tickets) {
        LimitKeys.requireValidName(name);
        List<String> args = new ArrayList<>(tickets.size() + 1);
        args.add(Long.toString(ticketTtl.toMillis()));
        args.addAll(tickets);
        return backend.eval(Script.KEEPALIVE, keys.keys(name), args).thenApply(reply -> {
            List<?> r = list(reply);
            List<String> lost = new ArrayList<>();
            for (Object t : list(r.get(0))) {
                lost.add((String) t);
            }
            String head = r.size() > 1 ? (String) r.get(1) : "";
            return new KeepAliveResult(lost, head == null || head.isEmpty() ? Optional.empty() : Optional.of(head));
        });
    }

    /** Fair limits: a waiter gave up; its ticket leaves the queue (waking the next instance if it was first). */
    public CompletableFuture<Boolean> leave(String name, String ticket) {
        LimitKeys.requireValidName(name);
        return backend.eval(Script.LEAVE, keys.keys(name), List.of(ticket))
                .thenApply(reply -> number(list(reply).get(0)) == 1);
    }

    /**
     * Reads the live state of a limit, listing at most {@code maxHolders} holders; empty if not defined. Fails with
     * {@link CorruptLimitException} if what Redis holds for it cannot be read (a policy that breaks the rules, a key
     * of the wrong type).
     */
    public CompletableFuture<Optional<LimitState>> state(String name, int maxHolders) {
        LimitKeys.requireValidName(name);
        return backend.eval(Script.STATE, keys.keys(name), List.of(Integer.toString(maxHolders)))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(corruptIfRejected(name, e)))
                .thenApply(reply -> {
                    try {
                        return StateCodec.state(name, reply);
                    } catch (CorruptLimitException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw new CorruptLimitException(name, ScriptErrors.UNREADABLE);
                    }
                });
    }

    /**
     * Stores {@code policy} unless the limit already has one; never overwrites. An explicit define: it also brings
     * back a limit an operator deleted.
     */
    public CompletableFuture<DefineResult> define(String name, LimitPolicy policy) {
        return define(name, policy, false);
    }

    /**
     * Like {@link #define}, for a limit that vanished from Redis and that the caller defined before (recovery from
     * lost data). Refused, with {@link UnknownLimitException#wasDeleted()}, if an operator deleted the limit.
     */
    public CompletableFuture<DefineResult> recover(String name, LimitPolicy policy) {
        return define(name, policy, true);
    }

    private CompletableFuture<DefineResult> define(String name, LimitPolicy policy, boolean recovery) {
        LimitNames.requireValidName(name);
        Objects.requireNonNull(policy, "policy");
        List<String> args = new ArrayList<>();
        args.add(recovery ? "1" : "");
        args.addAll(PolicySchema.stored(policy));
        return backend.eval(Script.DEFINE, keys.keys(name), args)
                .thenApply(reply -> {
                    List<?> r = list(reply);
                    if (number(r.get(0)) == ScriptProtocol.S_REFUSED) {
                        throw new UnknownLimitException(name, true);
                    }
                    return new DefineResult(number(r.get(0)) == ScriptProtocol.S_CREATED,
                            StateCodec.policy(name, list(r.get(1))));
                }).whenComplete((r, e) -> exchanges.changed(name));
    }

    /**
     * Overwrites (or creates) the policy; completes with the previous one, empty if there was none or it could not
     * be read (see {@link LimitStore#replacePolicy}).
     */
    public CompletableFuture<Optional<LimitPolicy>> replace(String name, LimitPolicy policy) {
        return replacePolicy(name, policy).thenApply(Replaced::previous);
    }

    /**
     * Overwrites (or creates) the policy. Also repairs a limit whose stored policy could not be read: the new policy
     * replaces it (a policy key of the wrong type is deleted first).
     */
    public CompletableFuture<Replaced> replacePolicy(String name, LimitPolicy policy) {
        LimitNames.requireValidName(name);
        Objects.requireNonNull(policy, "policy");
        return backend.eval(Script.REPLACE, keys.keys(name), PolicySchema.stored(policy))
                .thenApply(reply -> {
                    List<?> r = list(reply);
                    if (number(r.get(0)) != 1) {
                        return new Replaced(false, Optional.<LimitPolicy>empty());
                    }
                    try {
                        return new Replaced(true, Optional.of(StateCodec.policy(name, list(r.get(1)))));
                    } catch (CorruptLimitException e) {
                        return new Replaced(true, Optional.<LimitPolicy>empty());
                    }
                }).whenComplete((r, e) -> exchanges.changed(name));
    }

    /** Removes the limit's policy and state; completes with false if it did not exist. */
    public CompletableFuture<Boolean> delete(String name) {
        LimitNames.requireValidName(name);
        // A keyed limit's overrides live in its keys' slots: removed first, then the limit (and their index).
        return overrides.removeAll(name).thenCompose(v -> backend.eval(Script.DELETE, keys.keys(name), List.of()))
                .thenApply(reply -> number(list(reply).get(0)) == 1)
                .whenComplete((r, e) -> exchanges.changed(name));
    }

    /**
     * The state of every defined limit, sorted by name: one {@code SCAN}, then one pipelined state read per limit,
     * each listing at most {@code maxHolders} holders. Limits deleted in between, and limits whose data cannot be read
     * (see {@link LimitStore#listing}), are left out.
     */
    public CompletableFuture<List<LimitState>> states(int maxHolders) {
        return listing(maxHolders).thenApply(Listing::states);
    }

    /** Like {@link #states(int)}, also naming the limits whose data cannot be read. */
    public CompletableFuture<Listing> listing(int maxHolders) {
        return list().thenCompose(names -> {
            List<CompletableFuture<Optional<LimitState>>> reads = new ArrayList<>(names.size());
            for (String n : names) {
                reads.add(state(n, maxHolders));
            }
            return CompletableFuture.allOf(reads.toArray(new CompletableFuture[0]))
                    .handle((done, failed) -> {
                        List<LimitState> out = new ArrayList<>(reads.size());
                        List<CorruptLimitException> unreadable = new ArrayList<>();
                        for (CompletableFuture<Optional<LimitState>> r : reads) {
                            try {
                                r.join().ifPresent(out::add);
                            } catch (CompletionException e) {
                                Throwable cause = Exceptions.unwrap(e);
                                if (!(cause instanceof CorruptLimitException)) {
                                    throw e; // Redis itself failed: the listing fails
                                }
                                unreadable.add((CorruptLimitException) cause);
                            }
                        }
                        return new Listing(Collections.unmodifiableList(out),
                                Collections.unmodifiableList(unreadable));
                    });
        });
    }

    /** Names of every defined limit, sorted (a {@code SCAN} over policy keys). */
    public CompletableFuture<List<String>> list() {
        return backend.scan(keys.policyPattern()).thenApply(found -> found.stream()
                .map(keys::nameOfPolicyKey).filter(Objects::nonNull).distinct().sorted().toList());
    }

    /**
     * Records that an instance is alive (or, with {@code leave}, that it left); its entry expires {@code maxAge}
     * after this call unless renewed. Expired entries (of any instance) are dropped on the way. Completes with the
     * number of live instances.
     */
    public CompletableFuture<Integer> heartbeat(InstanceInfo instance, Duration maxAge, boolean leave) {
        return backend.eval(Script.HEARTBEAT, keys.instanceKeys(), List.of(instance.id(), instance.encode(),
                Long.toString(maxAge.toMillis()), leave ? "1" : "0"))
                .thenApply(reply -> (int) number(list(reply).get(1)));
    }

    /**
     * Live instances, most recently seen first: those whose entry has not expired (each entry expires after the
     * max age its own instance gave with its last heartbeat).
     */
    public CompletableFuture<List<InstanceInfo>> instances() {
        return backend.eval(Script.INSTANCES, keys.instanceKeys(), List.of())
                .thenApply(reply -> {
                    List<InstanceInfo> out = new ArrayList<>();
                    for (Object row : list(list(reply).get(1))) {
                        List<?> r = list(row);
                        out.add(InstanceInfo.decode((String) r.get(0), number(r.get(1)), (String) r.get(2)));
                    }
                    return Collections.unmodifiableList(out);
                });
    }

    /** Runs a trivial script; completes with Redis time. For health checks. */
    public CompletableFuture<Instant> ping() {
        return ping(List.of());
    }

    /**
     * {@link #ping()} on the node that serves limit {@code name} (on a cluster, its shard; the script only names
     * the limit's key for routing and does not touch it).
     */
    public CompletableFuture<Instant> ping(String name) {
        return ping(List.of(keysOf(LimitKeys.requireValidName(name)).get(0)));
    }

    private CompletableFuture<Instant> ping(List<String> routingKeys) {
        return backend.eval(Script.PING, routingKeys, List.of())
                .thenApply(reply -> Instant.ofEpochMilli(number(list(reply).get(0))));
    }

    private List<String> keysOf(String name) {
        List<String> k = keyCache.get(name);
        if (k == null) {
            if (keyCache.size() > 10_000) {
                keyCache.clear();
            }
            k = keys.keys(name);
            keyCache.put(name, k);
        }
        return k;
    }

    /**
     * The read-only state script failing on a limit (a key of the wrong type, data it cannot parse) is damage to that
     * limit, reported as such; Redis being unreachable or busy passes unchanged. (The backends report an error reply
     * of Redis as a plain {@link LimiterException}.)
     */
    private static Throwable corruptIfRejected(String name, Throwable e) {
        Throwable cause = Exceptions.unwrap(e);
        return cause.getClass() == LimiterException.class
                ? new CorruptLimitException(name, ScriptErrors.UNREADABLE, cause) : cause;
    }

    private static List<?> list(Object reply) {
        return ExchangeCodec.list(reply);
    }

    private static long number(Object o) {
        return ExchangeCodec.number(o);
    }
}
