package io.limiter.core.internal.redis;

import io.limiter.core.LimitKeys;
import io.limiter.core.LimitNames;
import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.PolicySchema;
import io.limiter.core.redis.RedisBackend;
import io.limiter.core.redis.Script;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Overrides of keys of keyed limits: a key's own policy in place of its keyed limit's (a premium tenant gets 5x),
 * stored in the key's slot (so its next call applies it, atomically) and listed in an index in the keyed limit's
 * slot, which bounds their number ({@link #MAX_PER_LIMIT}). Setting adds to the index first, removing takes from it
 * last, so the index never misses an override (it may list one a failed call did not set: removing it is harmless).
 */
public final class KeyOverrides {
    /** The most overrides one keyed limit may have. */
    public static final int MAX_PER_LIMIT = 10_000;
    /** The most overrides one page lists. */
    public static final int MAX_PAGE = 500;

    /** One override: the key as given and its policy. */
    public record Override(String key, LimitPolicy policy) {
    }

    /** A page of overrides in key-name order; {@code next} is the cursor for the next page, empty at the end. */
    public record Page(List<Override> overrides, int total, Optional<String> next) {
    }

    private final RedisBackend backend;
    private final KeySchema keys;

    KeyOverrides(RedisBackend backend, KeySchema keys) {
        this.backend = backend;
        this.keys = keys;
    }

    /**
     * Sets {@code key}'s override of keyed limit {@code family}; completes with whether it replaced one. Fails with
     * {@link LimiterValidationException} (field {@code key}) when the limit has {@link #MAX_PER_LIMIT} already.
     */
    public CompletableFuture<Boolean> set(String family, String key, LimitPolicy policy) {
        String name = LimitKeys.nameOf(family, key);
        Objects.requireNonNull(policy, "policy");
        List<String> args = new ArrayList<>();
        args.add("set");
        args.addAll(PolicySchema.stored(policy));
        return backend.eval(Script.OVERRIDES, keys.keys(family), List.of("add", name, Integer.toString(MAX_PER_LIMIT)))
                .thenCompose(added -> {
                    if (ExchangeCodec.number(ExchangeCodec.list(added).get(0)) != 1) {
                        throw new LimiterValidationException("key", key, "be one of at most " + MAX_PER_LIMIT
                                + " overridden keys of limit '" + family + "' (remove one first)");
                    }
                    return backend.eval(Script.OVERRIDE, keys.keys(name), args);
                })
                .thenApply(r -> ExchangeCodec.number(ExchangeCodec.list(r).get(0)) == 1);
    }

    /** Removes {@code key}'s override; completes with whether it had one. */
    public CompletableFuture<Boolean> remove(String family, String key) {
        String name = LimitKeys.nameOf(family, key);
        return backend.eval(Script.OVERRIDE, keys.keys(name), List.of("remove"))
                .thenCompose(r -> backend.eval(Script.OVERRIDES, keys.keys(family), List.of("remove", name))
                        .thenApply(x -> ExchangeCodec.number(ExchangeCodec.list(r).get(0)) == 1));
    }

    /** {@code key}'s override, if it has one. */
    public CompletableFuture<Optional<LimitPolicy>> get(String family, String key) {
        String name = LimitKeys.nameOf(family, key);
        return backend.eval(Script.OVERRIDE, keys.keys(name), List.of("get")).thenApply(reply -> {
            List<?> flat = ExchangeCodec.list(reply);
            return flat.isEmpty() ? Optional.empty() : Optional.of(StateCodec.policy(name, flat));
        });
    }

    /** Up to {@code count} (at most {@link #MAX_PAGE}) overrides after the key {@code after} (null: from the start). */
    public CompletableFuture<Page> page(String family, String after, int count) {
        return names(family, after, count).thenCompose(names -> {
            List<CompletableFuture<Optional<LimitPolicy>>> reads = new ArrayList<>();
            for (String n : names.names()) {
                reads.add(get(family, LimitKeys.keyOf(n)));
            }
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(v -> {
                List<Override> out = new ArrayList<>();
                for (int i = 0; i < reads.size(); i++) {
                    String key = LimitKeys.keyOf(names.names().get(i));
                    reads.get(i).join().ifPresent(policy -> out.add(new Override(key, policy)));
                }
                return new Page(out, names.total(), names.next());
            });
        });
    }

    private record Names(List<String> names, int total, Optional<String> next) {
    }

    /** A page of the index: key names in order. */
    private CompletableFuture<Names> names(String family, String after, int count) {
        LimitNames.requireValidName(family);
        if (count < 1 || count > MAX_PAGE) {
            throw new LimiterValidationException("limit", count, "be between 1 and " + MAX_PAGE);
        }
        String from = after == null ? "" : LimitKeys.nameOf(family, after);
        return backend.eval(Script.OVERRIDES, keys.keys(family), List.of("page", from, Integer.toString(count)))
                .thenApply(reply -> {
                    List<?> r = ExchangeCodec.list(reply);
                    List<String> names = ExchangeCodec.list(r.get(0)).stream().map(String::valueOf).toList();
                    Optional<String> next = names.size() == count
                            ? Optional.of(LimitKeys.keyOf(names.get(names.size() - 1))) : Optional.empty();
                    return new Names(names, (int) ExchangeCodec.number(r.get(1)), next);
                });
    }

    /** Removes every override of {@code family} (before the limit is deleted), a page at a time. */
    CompletableFuture<Void> removeAll(String family) {
        return removeAll(family, null);
    }

    private CompletableFuture<Void> removeAll(String family, String after) {
        return names(family, after, MAX_PAGE).thenCompose(page -> {
            List<CompletableFuture<Boolean>> removals = new ArrayList<>();
            for (String n : page.names()) {
                removals.add(remove(family, LimitKeys.keyOf(n)));
            }
            return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).thenCompose(v ->
                    page.next().isPresent() ? removeAll(family, page.next().get())
                            : CompletableFuture.<Void>completedFuture(null));
        });
    }
}
