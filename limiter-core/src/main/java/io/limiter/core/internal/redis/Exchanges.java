package io.limiter.core.internal.redis;

import io.limiter.core.LimitKeys;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import io.limiter.core.redis.RedisBackend;
import io.limiter.core.redis.Script;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The exchange pipeline behind {@link LimitStore#exchange}: encodes a request, sends it (again with the caller's
 * calendar window when a quota asks for it), decodes the answer with the policy it carried (decoded once per change),
 * and for a key of a keyed limit sends the keyed limit's policy as this process last read it ({@link FamilyPolicies})
 * or answers the acquires itself when that limit is not defined or not keyed. Thread-safe.
 */
final class Exchanges {
    private final RedisBackend backend;
    private final Function<String, List<String>> keysOf;
    /** The last policy each limit's exchange read, decoded once per change (a keyed limit's keys share one entry). */
    private final Map<String, ExchangeCodec.Decoded> policies = new ConcurrentHashMap<>();
    private final QuotaWindows windows = new QuotaWindows(System::currentTimeMillis);
    /** The policies of the keyed limits whose keys were asked about. */
    private final FamilyPolicies families;

    Exchanges(RedisBackend backend, Function<String, List<String>> keysOf) {
        this.backend = backend;
        this.keysOf = keysOf;
        this.families = new FamilyPolicies(this::readFamily, System::nanoTime);
    }

    /** This process changed limit {@code name} (define, replace, delete): a keyed limit is read again first. */
    void changed(String name) {
        families.changed(name);
    }

    private CompletableFuture<FamilyPolicies.Family> readFamily(String family) {
        return backend.eval(Script.POLICY, keysOf.apply(family), List.of()).thenApply(reply -> {
            List<?> r = ExchangeCodec.list(reply);
            return FamilyPolicies.Family.of(family, ExchangeCodec.list(r.get(0)), !"".equals(String.valueOf(r.get(1))));
        });
    }

    /**
     * Runs one exchange: the request's releases, then its acquires, decided by Redis in order. With
     * {@code counted}, runs of requests of equal weight go as one counted group the script decides in one step;
     * if the limit is not rate-only and non-fair (any more), those requests come back as {@link NotCounted}: send
     * them again one by one. Grants stay exact and in order.
     */
    CompletableFuture<ExchangeResult> exchange(ExchangeRequest request) {
        String name = LimitKeys.requireValidName(request.limit());
        if (!LimitKeys.isKeyName(name)) {
            return exchange(name, request, ExchangeCodec.NAMED);
        }
        String family = LimitKeys.familyOf(name);
        return families.current(family).thenCompose(f -> {
            if (f.defined() && f.keyed()) {
                return exchange(name, request, ExchangeCodec.keyed(f.flat()));
            }
            // The family is not defined, or not keyed: the acquires are answered here; releases still go to Redis.
            RuntimeException refusal = f.defined()
                    ? new LimiterValidationException("key", LimitKeys.keyOf(name),
                            "not be given: limit '" + family + "' is not keyed")
                    : new UnknownLimitException(family, f.deleted());
            List<Object> refused = Collections.nCopies(request.acquires().size(), refusal);
            if (request.releases().isEmpty()) {
                return CompletableFuture.completedFuture(new ExchangeResult(List.of(), new ArrayList<>(refused),
                        null));
            }
            ExchangeRequest releases = new ExchangeRequest(name, request.owner(), request.ticketTtl(),
                    request.releases(), request.forced(), List.of(), false);
            return exchange(name, releases, ExchangeCodec.keyed(List.of())).thenApply(r ->
                    new ExchangeResult(r.released(), new ArrayList<>(refused), r.policy()));
        });
    }

    private CompletableFuture<ExchangeResult> exchange(String name, ExchangeRequest request, List<String> tail) {
        ExchangeCodec.Encoded encoded = ExchangeCodec.encode(request, windows.argFor(name), tail);
        return send(name, request, encoded).thenCompose(a ->
                a.result().acquired().contains(ExchangeCodec.NEEDS_WINDOW)
                        ? withWindow(name, request, a.result(), a.policy(), a.redisNow(), 1, tail)
                        : CompletableFuture.completedFuture(a.result()));
    }

    /** One exchange call's answer: its result, the policy it read and Redis time then. */
    private record Answer(ExchangeResult result, LimitPolicy policy, long redisNow) {
    }

    /** Sends one exchange call, learning the policy and Redis time from its reply. */
    private CompletableFuture<Answer> send(String name, ExchangeRequest request, ExchangeCodec.Encoded encoded) {
        return backend.eval(Script.EXCHANGE, keysOf.apply(name), encoded.args()).thenApply(reply -> {
            List<?> r = ExchangeCodec.list(reply);
            List<?> flat = ExchangeCodec.flatPolicy(r);
            if (LimitKeys.isKeyName(name)) {
                families.learn(LimitKeys.familyOf(name), flat);
            }
            ExchangeCodec.Decoded policy = decoded(name, flat);
            long now = ExchangeCodec.now(r);
            windows.learn(name, policy.policy(), now);
            return new Answer(ExchangeCodec.decode(name, request, encoded, r, policy), policy.policy(), now);
        });
    }

    /**
     * Sends again, without the releases (they are done), the acquires the quota could not decide without the
     * caller's calendar window, now with the window for the Redis time of the answer; merges the answers in order.
     */
    private CompletableFuture<ExchangeResult> withWindow(String name, ExchangeRequest request, ExchangeResult first,
            LimitPolicy policy, long redisNow, int attempt, List<String> tail) {
        List<AcquireRequest> again = new ArrayList<>();
        for (int i = 0; i < first.acquired().size(); i++) {
            if (first.acquired().get(i) == ExchangeCodec.NEEDS_WINDOW) {
                again.add(request.acquires().get(i));
            }
        }
        ExchangeRequest retry = new ExchangeRequest(name, request.owner(), request.ticketTtl(), List.of(), false,
                again, false);
        String window = policy != null && policy.hasQuota() ? QuotaWindows.argAt(policy, redisNow) : "";
        ExchangeCodec.Encoded encoded = ExchangeCodec.encode(retry, window, tail);
        return send(name, retry, encoded).thenCompose(answer -> {
            ExchangeResult second = answer.result();
            List<Object> merged = new ArrayList<>(first.acquired());
            int k = 0;
            for (int i = 0; i < merged.size(); i++) {
                if (merged.get(i) == ExchangeCodec.NEEDS_WINDOW) {
                    Object decided = second.acquired().get(k++);
                    merged.set(i, decided == ExchangeCodec.NEEDS_WINDOW && attempt >= 3
                            ? new LimiterException("the quota window of limit '" + name
                                    + "' could not be agreed with Redis; try again")
                            : decided);
                }
            }
            ExchangeResult result = new ExchangeResult(first.released(), merged, second.policy());
            return merged.contains(ExchangeCodec.NEEDS_WINDOW)
                    ? withWindow(name, request, result, answer.policy(), answer.redisNow(), attempt + 1, tail)
                    : CompletableFuture.completedFuture(result);
        });
    }

    /** The decoded policy of a reply; the keys of one keyed limit share their family's entry (one per version). */
    private ExchangeCodec.Decoded decoded(String name, List<?> flat) {
        String cacheKey = LimitKeys.isKeyName(name) ? LimitKeys.familyOf(name) : name;
        ExchangeCodec.Decoded last = policies.get(cacheKey);
        ExchangeCodec.Decoded d = ExchangeCodec.policy(cacheKey, flat, last);
        if (d != last) {
            if (policies.size() > 10_000) {
                policies.clear();
            }
            policies.put(cacheKey, d);
        }
        return d;
    }

}
