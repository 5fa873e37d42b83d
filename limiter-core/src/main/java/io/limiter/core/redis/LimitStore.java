package io.limiter.core.redis;

import io.limiter.core.CorruptLimitException;
import io.limiter.core.InvalidPolicyException;
import io.limiter.core.LimitNames;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.internal.Exceptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Typed access to the limiter's scripts: one method per script, one round trip each. Shared by the client
 * library and the admin server. Thread-safe; every method is asynchronous and never blocks. Names are checked
 * here, before they reach any key.
 */
public final class LimitStore {
    private final RedisBackend backend;
    private final KeySchema keys;
    /** Key lists of recently used limits, so the hot path does not build ten strings per call. */
    private final java.util.Map<String, List<String>> keyCache = new java.util.concurrent.ConcurrentHashMap<>();

    public LimitStore(RedisBackend backend, KeySchema keys) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    public KeySchema keySchema() {
        return keys;
    }

    public RedisBackend backend() {
        return backend;
    }

    /** One acquire request of an {@link #exchange}: a permit id chosen by the caller, a weight, a ticket. */
    public record AcquireRequest(String permitId, int weight, String ticket) {
    }

    /**
     * What an {@link #exchange} answered: per release whether the id was held, per acquire its result or the
     * exception for that request ({@link UnknownLimitException}, or {@link LimiterValidationException} for a weight
     * the policy can never grant).
     */
    public record ExchangeResult(List<Boolean> released, List<Object> acquired, AcquireResult.PolicyNumbers policy) {
        /** The result of acquire {@code i}, or its exception thrown. */
        public AcquireResult acquired(int i) {
            Object r = acquired.get(i);
            if (r instanceof RuntimeException) {
                throw (RuntimeException) r;
            }
            return (AcquireResult) r;
        }
    }

    /** A request sent in a counted group that the script would not count (the limit is not rate-only now). */
    public static final class NotCounted extends RuntimeException {
        static final NotCounted INSTANCE = new NotCounted();

        private NotCounted() {
            super("not decided as part of a counted group; send it on its own", null, false, false);
        }
    }

    /**
     * One {@link #exchange(ExchangeRequest)} call: releases first, then acquires, in one atomic script call.
     *
     * @param limit the limit's name
     * @param owner the instance id recorded on grants and waiting tickets
     * @param ticketTtl how long a fair limit keeps a denied waiting ticket queued without a keep-alive
     * @param releases permit ids to release (idempotent: an id not held changes nothing)
     * @param forced count the releases as an operator's forced releases
     * @param acquires acquire requests, decided in order
     * @param counted send runs of equal weight as counted groups (for a limit the caller believes rate-only and
     *        non-fair; see {@link NotCounted})
     */
    public record ExchangeRequest(String limit, String owner, Duration ticketTtl, List<String> releases,
            boolean forced, List<AcquireRequest> acquires, boolean counted) {
        public ExchangeRequest {
            Objects.requireNonNull(limit, "limit");
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(ticketTtl, "ticketTtl");
            releases = List.copyOf(releases);
            acquires = List.copyOf(acquires);
        }
    }

    /**
     * Releases {@code releases} and then tries {@code acquires}, in one atomic script call (one round trip):
     * the batch primitive the client builds on. Released capacity still free afterwards is announced (a fair limit
     * wakes the instance whose ticket is first).
     *
     * @param forced count the releases as an operator's forced releases
     */
    public CompletableFuture<ExchangeResult> exchange(String name, String owner, Duration ticketTtl,
            List<String> releases, boolean forced, List<AcquireRequest> acquires) {
        return exchange(new ExchangeRequest(name, owner, ticketTtl, releases, forced, acquires, false));
    }

    /**
     * Runs one exchange: the request's releases, then its acquires, decided by Redis in order. With
     * {@code counted}, runs of requests of equal weight go as one counted group the script decides in one step;
     * if the limit is not rate-only and non-fair (any more), those requests come back as {@link NotCounted}: send
     * them again one by one. Grants stay exact and in order.
     */
    public CompletableFuture<ExchangeResult> exchange(ExchangeRequest request) {
        String name = request.limit();
        String owner = request.owner();
        Duration ticketTtl = request.ticketTtl();
        List<String> releases = request.releases();
        boolean forced = request.forced();
        List<AcquireRequest> acquires = request.acquires();
        boolean counted = request.counted();
        LimitNames.requireValidName(name);
        List<String> args = new ArrayList<>(6 + releases.size() + 3 * acquires.size());
        args.add(owner);
        args.add(Long.toString(ticketTtl.toMillis()));
        args.add(forced ? "forced" : "released");
        args.add(Integer.toString(releases.size()));
        args.addAll(releases);
        List<Integer> groupSizes = new ArrayList<>();
        int countAt = args.size();
        args.add("");
        for (int i = 0; i < acquires.size(); ) {
            AcquireRequest a = acquires.get(i);
            int n = 1;
            if (counted) {
                while (i + n < acquires.size() && acquires.get(i + n).weight() == a.weight()) {
                    n++;
                }
                args.add("#" + n);
                args.add(Integer.toString(a.weight()));
                args.add("");
            } else {
                args.add(a.permitId());
                args.add(Integer.toString(a.weight()));
                args.add(a.ticket());
            }
            groupSizes.add(counted ? n : 0);
            i += n;
        }
        args.set(countAt, Integer.toString(groupSizes.size()));
        return backend.eval(Script.EXCHANGE, keysOf(name), args).thenApply(reply -> {
            List<?> r = list(reply);
            Duration lease = Duration.ofMillis(number(r.get(0)));
            AcquireResult.PolicyNumbers policy = new AcquireResult.PolicyNumbers(number(r.get(1)), number(r.get(2)),
                    number(r.get(3)), number(r.get(4)), number(r.get(5)) == 1, (String) r.get(8));
            List<Boolean> released = new ArrayList<>();
            for (Object x : list(r.get(6))) {
                released.add(number(x) == 1);
            }
            List<?> results = list(r.get(7));
            List<Object> acquired = new ArrayList<>(acquires.size());
            CorruptLimitException corrupt = unreadable(name, lease, policy);
            if (corrupt != null) {
                // A policy edited by hand that breaks the rules: every acquire is told so, by name and rule (the
                // script's answers for it would be nonsense such as "weight must be at most -5").
                for (int i = 0; i < acquires.size(); i++) {
                    acquired.add(corrupt);
                }
                return new ExchangeResult(released, acquired, policy);
            }
            for (int g = 0; g < results.size(); g++) {
                List<?> a = list(results.get(g));
                long status = number(a.get(0));
                int n = Math.max(1, groupSizes.get(g));
                int weight = acquires.get(acquired.size()).weight();
                if (status == 9) {
                    long granted = number(a.get(1));
                    double tokens = Double.parseDouble((String) a.get(4));
                    for (int i = 0; i < n; i++) {
                        acquired.add(i < granted
                                ? new AcquireResult(true, "ok", Duration.ofMillis(number(a.get(2))), 0, lease, -1,
                                        tokens, policy)
                                : new AcquireResult(false, "tokens", Duration.ofMillis(number(a.get(3))), 0, lease, -1,
                                        tokens, policy));
                    }
                    continue;
                }
                Object one;
                if (status == 8) {
                    one = NotCounted.INSTANCE;
                } else if (status == -1 || status == -3) {
                    one = new UnknownLimitException(name, status == -3);
                } else if (status == -2) {
                    one = new LimiterValidationException("weight", weight,
                            "be at most " + a.get(1) + " (what limit '" + name + "' allows at once)");
                } else {
                    String tokens = (String) a.get(5);
                    one = new AcquireResult(status == 1, (String) a.get(1), Duration.ofMillis(number(a.get(2))),
                            number(a.get(3)), lease, number(a.get(4)),
                            tokens == null || tokens.isEmpty() ? Double.NaN : Double.parseDouble(tokens), policy);
                }
                for (int i = 0; i < n; i++) {
                    acquired.add(one);
                }
            }
            return new ExchangeResult(released, acquired, policy);
        });
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
     * limit, a denied ticket keeps its place in the queue for {@code ticketTtl} (see {@link #keepAlive}).
     */
    public CompletableFuture<AcquireResult> acquire(String name, String permitId, int weight, String owner,
            String ticket, Duration ticketTtl) {
        return exchange(name, owner, ticketTtl, List.of(), false,
                List.of(new AcquireRequest(permitId, weight, ticket))).thenApply(r -> r.acquired(0));
    }

    /**
     * Releases a permit. Idempotent: completes with false when the id is not held (unknown, released or expired),
     * and then nothing changes. {@code forced} counts it as an operator's forced release.
     */
    public CompletableFuture<Boolean> release(String name, String permitId, boolean forced) {
        return exchange(name, "", Duration.ZERO, List.of(permitId), forced, List.of())
                .thenApply(r -> r.released().get(0));
    }

    /** Renews the leases of {@code permitIds} (weight 1, epoch unknown) and reports the ones no longer held. */
    public CompletableFuture<RenewResult> renew(String name, Collection<String> permitIds) {
        List<RenewRequest> requests = new ArrayList<>();
        permitIds.forEach(id -> requests.add(new RenewRequest(id, 1, "")));
        return renew(name, "", requests);
    }

    /** One permit to renew: its id, weight, and the limit's epoch when it was granted ('' if unknown). */
    public record RenewRequest(String permitId, int weight, String epoch) {
    }

    /**
     * Renews held permits in one call. A permit missing from Redis that was granted under an earlier epoch of the
     * limit (Redis lost its data and the limit was created anew) is re-asserted while capacity allows; the rest are
     * reported lost.
     */
    public CompletableFuture<RenewResult> renew(String name, String owner, List<RenewRequest> permits) {
        LimitNames.requireValidName(name);
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
                    if (status < 0) {
                        return new RenewResult(0, Duration.ZERO, List.copyOf(permitIds), 0, "", true, status == -2);
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
     * What a fair limit's keep-alive answered.
     *
     * @param lost the tickets no longer queued
     * @param headIfRoom the first ticket in the queue if a permit is free for it now
     */
    public record KeepAliveResult(List<String> lost, Optional<String> headIfRoom) {
    }

    /**
     * Fair limits: keeps this instance's waiting tickets queued; completes with those no longer queued and the
     * head ticket if it may take a permit now (so a missed wake-up message is made up for).
     */
    public CompletableFuture<KeepAliveResult> keepAlive(String name, Duration ticketTtl, Collection<String> tickets) {
        LimitNames.requireValidName(name);
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
        LimitNames.requireValidName(name);
        return backend.eval(Script.LEAVE, keys.keys(name), List.of(ticket))
                .thenApply(reply -> number(list(reply).get(0)) == 1);
    }

    /**
     * Reads the live state of a limit, listing at most {@code maxHolders} holders; empty if not defined. Fails with
     * {@link CorruptLimitException} if what Redis holds for it cannot be read (a policy that breaks the rules, a key
     * of the wrong type).
     */
    public CompletableFuture<Optional<LimitState>> state(String name, int maxHolders) {
        LimitNames.requireValidName(name);
        return backend.eval(Script.STATE, keys.keys(name), List.of(Integer.toString(maxHolders)))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(corruptIfRejected(name, e)))
                .thenApply(reply -> {
                    try {
                        return decodeState(name, reply);
                    } catch (CorruptLimitException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw new CorruptLimitException(name, ScriptErrors.UNREADABLE);
                    }
                });
    }

    private static Optional<LimitState> decodeState(String name, Object reply) {
        List<?> r = list(reply);
        if (number(r.get(0)) == 0) {
            return Optional.empty();
        }
        LimitPolicy policy = decodePolicy(name, list(r.get(2)));
        List<Holder> holders = new ArrayList<>();
        for (Object row : list(r.get(6))) {
            List<?> h = list(row);
            holders.add(new Holder((String) h.get(0), (String) h.get(4), (int) number(h.get(1)),
                    Instant.ofEpochMilli(number(h.get(2))), Instant.ofEpochMilli(number(h.get(3)))));
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        List<?> stats = list(r.get(5));
        for (int i = 0; i + 1 < stats.size(); i += 2) {
            counters.put((String) stats.get(i), Long.parseLong((String) stats.get(i + 1)));
        }
        String tokens = (String) r.get(4);
        return Optional.of(new LimitState(name, policy, Instant.ofEpochMilli(number(r.get(1))),
                number(r.get(3)), tokens == null || tokens.isEmpty() ? Double.NaN
                        : Double.parseDouble(tokens),
                Collections.unmodifiableList(holders), (int) number(r.get(7)),
                Collections.unmodifiableMap(counters), (int) number(r.get(8))));
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
        List<String> args = new ArrayList<>(encodePolicy(policy));
        args.add(recovery ? "1" : "");
        return backend.eval(Script.DEFINE, keys.keys(name), args)
                .thenApply(reply -> {
                    List<?> r = list(reply);
                    if (number(r.get(0)) == 2) {
                        throw new UnknownLimitException(name, true);
                    }
                    return new DefineResult(number(r.get(0)) == 1, decodePolicy(name, list(r.get(1))));
                });
    }

    /**
     * Overwrites (or creates) the policy; completes with the previous one, empty if there was none or it could not
     * be read (see {@link #replacePolicy}).
     */
    public CompletableFuture<Optional<LimitPolicy>> replace(String name, LimitPolicy policy) {
        return replacePolicy(name, policy).thenApply(Replaced::previous);
    }

    /**
     * What {@link #replacePolicy} did.
     *
     * @param existed whether the limit had a policy before, even one that could not be read
     * @param previous that policy, empty if there was none or it could not be read (it broke the rules)
     */
    public record Replaced(boolean existed, Optional<LimitPolicy> previous) {
    }

    /**
     * Overwrites (or creates) the policy. Also repairs a limit whose stored policy could not be read: the new policy
     * replaces it (a policy key of the wrong type is deleted first).
     */
    public CompletableFuture<Replaced> replacePolicy(String name, LimitPolicy policy) {
        LimitNames.requireValidName(name);
        Objects.requireNonNull(policy, "policy");
        return backend.eval(Script.REPLACE, keys.keys(name), encodePolicy(policy))
                .thenApply(reply -> {
                    List<?> r = list(reply);
                    if (number(r.get(0)) != 1) {
                        return new Replaced(false, Optional.<LimitPolicy>empty());
                    }
                    try {
                        return new Replaced(true, Optional.of(decodePolicy(name, list(r.get(1)))));
                    } catch (CorruptLimitException e) {
                        return new Replaced(true, Optional.<LimitPolicy>empty());
                    }
                });
    }

    /** Removes the limit's policy and state; completes with false if it did not exist. */
    public CompletableFuture<Boolean> delete(String name) {
        LimitNames.requireValidName(name);
        return backend.eval(Script.DELETE, keys.keys(name), List.of())
                .thenApply(reply -> number(list(reply).get(0)) == 1);
    }

    /**
     * The state of every defined limit, sorted by name: one {@code SCAN}, then one pipelined state read per limit,
     * each listing at most {@code maxHolders} holders. Limits deleted in between, and limits whose data cannot be read
     * (see {@link #listing}), are left out.
     */
    public CompletableFuture<List<LimitState>> states(int maxHolders) {
        return listing(maxHolders).thenApply(Listing::states);
    }

    /**
     * Every defined limit, sorted by name.
     *
     * @param states the limits that could be read
     * @param unreadable the limits whose data cannot be read, each with why; they do not keep the others from being
     *     listed
     */
    public record Listing(List<LimitState> states, List<CorruptLimitException> unreadable) {
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
        return ping(List.of(keysOf(LimitNames.requireValidName(name)).get(0)));
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

    static List<String> encodePolicy(LimitPolicy p) {
        return List.of(
                p.hasConcurrency() ? Integer.toString(p.permits()) : "",
                p.hasConcurrency() ? Long.toString(p.lease().toMillis()) : "",
                p.hasRate() ? Long.toString(p.rate()) : "",
                p.hasRate() ? Long.toString(p.period().toMillis()) : "",
                p.hasRate() ? Long.toString(p.burst()) : "",
                p.fair() ? "1" : "");
    }

    /**
     * The policy stored as {@code flat} (field, value, ...).
     *
     * @throws CorruptLimitException if it is not a valid policy (written by something other than the limiter)
     */
    /**
     * The policy an exchange read breaks the rules (written by hand): that limit's {@link CorruptLimitException}, else
     * null. Cheap on the hot path: the full check runs only when a number is out of every valid range.
     */
    private static CorruptLimitException unreadable(String name, Duration lease, AcquireResult.PolicyNumbers p) {
        boolean concurrencyOff = p.permits() != -1 && (p.permits() < 1 || lease.toMillis() < 1);
        boolean rateOff = p.rate() != -1 && (p.rate() < 1 || p.periodMs() < 1 || p.burst() < 1);
        if (!concurrencyOff && !rateOff) {
            return null;
        }
        List<String> flat = new ArrayList<>();
        if (p.permits() != -1) {
            flat.addAll(List.of("permits", Long.toString(p.permits()), "lease_ms", Long.toString(lease.toMillis())));
        }
        if (p.rate() != -1) {
            flat.addAll(List.of("rate", Long.toString(p.rate()), "period_ms", Long.toString(p.periodMs()), "burst",
                    Long.toString(p.burst())));
        }
        try {
            decodePolicy(name, flat);
        } catch (CorruptLimitException e) {
            return e;
        }
        return new CorruptLimitException(name, "its stored policy breaks the policy rules");
    }

    static LimitPolicy decodePolicy(String name, List<?> flat) {
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            f.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        try {
            LimitPolicy.Builder b = LimitPolicy.builder();
            if (f.containsKey("permits")) {
                b.concurrency(Integer.parseInt(f.get("permits")))
                        .lease(Duration.ofMillis(Long.parseLong(f.get("lease_ms"))));
            }
            if (f.containsKey("rate")) {
                b.rate(Long.parseLong(f.get("rate")), Duration.ofMillis(Long.parseLong(f.get("period_ms"))))
                        .burst(Long.parseLong(f.get("burst")));
            }
            return b.fair("1".equals(f.get("fair"))).build();
        } catch (InvalidPolicyException e) {
            throw new CorruptLimitException(name, "its stored policy " + new TreeMap<>(f) + " breaks a rule: "
                    + e.getMessage());
        } catch (NumberFormatException | NullPointerException e) {
            throw new CorruptLimitException(name, "its stored policy " + new TreeMap<>(f) + " is not a policy");
        }
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
        if (reply instanceof List) {
            return (List<?>) reply;
        }
        throw new LimiterException("unexpected script reply: " + reply);
    }

    private static long number(Object o) {
        if (o instanceof Number) {
            return ((Number) o).longValue();
        }
        if (o instanceof String) {
            return Long.parseLong((String) o);
        }
        throw new LimiterException("unexpected script reply element: " + o);
    }
}
