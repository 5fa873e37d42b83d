package io.limiter.core.internal.redis;

import static io.limiter.core.internal.redis.ScriptProtocol.R_EXPIRY;
import static io.limiter.core.internal.redis.ScriptProtocol.R_LEFT;
import static io.limiter.core.internal.redis.ScriptProtocol.R_REASON;
import static io.limiter.core.internal.redis.ScriptProtocol.R_RETRY;
import static io.limiter.core.internal.redis.ScriptProtocol.R_STATUS;
import static io.limiter.core.internal.redis.ScriptProtocol.X_NOW;
import static io.limiter.core.internal.redis.ScriptProtocol.X_POLICY;
import static io.limiter.core.internal.redis.ScriptProtocol.X_RELEASED;
import static io.limiter.core.internal.redis.ScriptProtocol.X_RESULTS;

import io.limiter.core.CorruptLimitException;
import io.limiter.core.LimitKeys;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.UnknownLimitException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Encodes an {@link ExchangeRequest} as the exchange script's arguments and decodes its reply (see
 * {@code exchange.lua} for the layout; slots and statuses are named in {@link ScriptProtocol}).
 */
final class ExchangeCodec {
    /** Placeholder in a result list for an acquire the quota answered {@link ScriptProtocol#S_WINDOW}. */
    static final Object NEEDS_WINDOW = new Object();

    private ExchangeCodec() {
    }

    /** The arguments, and per argument group how many requests it stands for (0 = one, not counted). */
    record Encoded(List<String> args, List<Integer> groupSizes) {
    }

    /** The arguments' tail for a named limit. */
    static final List<String> NAMED = List.of("");

    /** The arguments' tail for a key of a keyed limit: its family's policy as read ({@code flat}; empty if none). */
    static List<String> keyed(List<String> flat) {
        List<String> tail = new ArrayList<>(1 + flat.size());
        tail.add("k");
        tail.addAll(flat);
        return tail;
    }

    static Encoded encode(ExchangeRequest request, String window, List<String> tail) {
        List<String> releases = request.releases();
        List<AcquireRequest> acquires = request.acquires();
        List<String> args = new ArrayList<>(7 + releases.size() + 3 * acquires.size());
        args.add(request.owner());
        args.add(Long.toString(request.ticketTtl().toMillis()));
        args.add(request.forced() ? "forced" : "released");
        args.add(window);
        args.add(Integer.toString(releases.size()));
        args.addAll(releases);
        List<Integer> groupSizes = new ArrayList<>();
        int countAt = args.size();
        args.add("");
        for (int i = 0; i < acquires.size(); ) {
            AcquireRequest a = acquires.get(i);
            int n = 1;
            if (request.counted()) {
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
            groupSizes.add(request.counted() ? n : 0);
            i += n;
        }
        args.set(countAt, Integer.toString(groupSizes.size()));
        args.addAll(tail);
        return new Encoded(args, groupSizes);
    }

    /** The stored policy of a reply, read once per distinct content. */
    record Decoded(List<?> flat, LimitPolicy policy, AcquireResult.PolicyRead numbers, CorruptLimitException corrupt) {
    }

    static Decoded policy(String name, List<?> flat, Decoded last) {
        if (last != null && last.flat().equals(flat)) {
            return last;
        }
        String epoch = "";
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            if ("epoch".equals(flat.get(i))) {
                epoch = (String) flat.get(i + 1);
            }
        }
        if (flat.isEmpty()) {
            return new Decoded(flat, null, new AcquireResult.PolicyRead(Optional.empty(), ""), null);
        }
        try {
            LimitPolicy p = StateCodec.policy(name, flat);
            return new Decoded(flat, p, new AcquireResult.PolicyRead(Optional.of(p), epoch), null);
        } catch (CorruptLimitException e) {
            return new Decoded(flat, null, new AcquireResult.PolicyRead(Optional.empty(), epoch), e);
        }
    }

    /**
     * The results of a reply. An acquire the quota could not decide without the caller's window is
     * {@link #NEEDS_WINDOW}.
     */
    static ExchangeResult decode(String name, ExchangeRequest request, Encoded encoded, List<?> reply,
            Decoded policy) {
        List<AcquireRequest> acquires = request.acquires();
        List<Boolean> released = new ArrayList<>();
        for (Object x : list(reply.get(X_RELEASED))) {
            released.add(number(x) == 1);
        }
        List<Object> acquired = new ArrayList<>(acquires.size());
        if (policy.corrupt() != null) {
            // A policy edited by hand that breaks the rules: every acquire is told so, by name and rule.
            for (int i = 0; i < acquires.size(); i++) {
                acquired.add(policy.corrupt());
            }
            return new ExchangeResult(released, acquired, policy.numbers());
        }
        Duration lease = policy.policy() != null && policy.policy().hasConcurrency() ? policy.policy().lease()
                : Duration.ZERO;
        List<?> results = list(reply.get(X_RESULTS));
        for (int g = 0; g < results.size(); g++) {
            List<?> a = list(results.get(g));
            long status = number(a.get(R_STATUS));
            int n = Math.max(1, encoded.groupSizes().get(g));
            int weight = acquires.get(acquired.size()).weight();
            if (status == ScriptProtocol.S_COUNTED) {
                long granted = number(a.get(1));
                double tokens = Double.parseDouble((String) a.get(4));
                for (int i = 0; i < n; i++) {
                    acquired.add(i < granted
                            ? new AcquireResult(true, "ok", Duration.ofMillis(number(a.get(2))), 0, lease, -1, tokens,
                                    policy.numbers())
                            : new AcquireResult(false, "tokens", Duration.ofMillis(number(a.get(3))), 0, lease, -1,
                                    tokens, policy.numbers()));
                }
                continue;
            }
            Object one;
            if (status == ScriptProtocol.S_NOT_COUNTED) {
                one = NotCounted.INSTANCE;
            } else if (status == ScriptProtocol.S_WINDOW) {
                one = NEEDS_WINDOW;
            } else if (status == ScriptProtocol.S_UNKNOWN || status == ScriptProtocol.S_DELETED) {
                one = new UnknownLimitException(LimitKeys.isKeyName(name) ? LimitKeys.familyOf(name) : name,
                        status == ScriptProtocol.S_DELETED);
            } else if (status == ScriptProtocol.S_KEYED) {
                one = new LimiterValidationException("key", null, "be given: limit '" + name
                        + "' is keyed (acquire through one of its keys)");
            } else if (status == ScriptProtocol.S_TOO_HEAVY) {
                one = new LimiterValidationException("weight", weight,
                        "be at most " + a.get(R_REASON) + " (what limit '" + name + "' allows at once)");
            } else {
                long permitsLeft = -1;
                double tokensLeft = Double.NaN;
                List<?> left = list(a.get(R_LEFT));
                for (int i = 0; i + 1 < left.size(); i += 2) {
                    Object part = left.get(i);
                    Object value = left.get(i + 1);
                    if ("concurrency".equals(part)) {
                        permitsLeft = number(value);
                    } else if ("rate".equals(part) && value instanceof String && !((String) value).isEmpty()) {
                        tokensLeft = Double.parseDouble((String) value);
                    }
                }
                one = new AcquireResult(status == ScriptProtocol.S_GRANTED, (String) a.get(R_REASON),
                        Duration.ofMillis(number(a.get(R_RETRY))), number(a.get(R_EXPIRY)), lease, permitsLeft,
                        tokensLeft, policy.numbers());
            }
            for (int i = 0; i < n; i++) {
                acquired.add(one);
            }
        }
        return new ExchangeResult(released, acquired, policy.numbers());
    }

    static List<?> flatPolicy(List<?> reply) {
        return list(reply.get(X_POLICY));
    }

    static long now(List<?> reply) {
        return number(reply.get(X_NOW));
    }

    static List<?> list(Object reply) {
        if (reply instanceof List) {
            return (List<?>) reply;
        }
        throw new LimiterException("unexpected script reply: " + reply);
    }

    static long number(Object o) {
        if (o instanceof Number) {
            return ((Number) o).longValue();
        }
        if (o instanceof String) {
            return Long.parseLong((String) o);
        }
        throw new LimiterException("unexpected script reply element: " + o);
    }
}
