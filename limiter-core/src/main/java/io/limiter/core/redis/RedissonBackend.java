package io.limiter.core.redis;

import static io.limiter.core.internal.Exceptions.unwrap;

import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.internal.redis.ScriptErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.redisson.api.RScript;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.codec.StringCodec;

/**
 * {@link RedisBackend} over a {@link RedissonClient} the service already has (and closes itself). Scripts run with
 * {@code EVALSHA}, falling back to {@code EVAL} on {@code NOSCRIPT}; pub/sub uses Redisson topics. Works with
 * whatever topology the Redisson client was configured for. Thread-safe.
 *
 * <p>Redisson is an optional dependency of limiter-core: add {@code org.redisson:redisson} to use this class.
 */
public final class RedissonBackend implements RedisBackend {
    private final RedissonClient redisson;
    private final RScript script;
    private final Executor scanExecutor;

    private RedissonBackend(RedissonClient redisson, Executor scanExecutor) {
        this.redisson = Objects.requireNonNull(redisson, "redisson");
        this.script = redisson.getScript(StringCodec.INSTANCE);
        this.scanExecutor = scanExecutor;
    }

    /** A backend over {@code redisson}; {@link #scan} iterates on the common fork-join pool. */
    public static RedissonBackend wrap(RedissonClient redisson) {
        return new RedissonBackend(redisson, ForkJoinPool.commonPool());
    }

    @Override
    public CompletableFuture<Object> eval(Script s, List<String> keys, List<String> args) {
        List<Object> k = new ArrayList<>(keys);
        Object[] a = args.toArray();
        return script.<Object>evalShaAsync(RScript.Mode.READ_WRITE, s.sha1(), RScript.ReturnType.MULTI, k, a)
                .toCompletableFuture()
                .exceptionallyCompose(e -> isNoScript(e)
                        ? script.<Object>evalAsync(RScript.Mode.READ_WRITE, s.source(), RScript.ReturnType.MULTI, k, a)
                                .toCompletableFuture()
                        : CompletableFuture.failedFuture(e))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        ScriptErrors.forKeys(translate(s.name(), e), keys)));
    }

    @Override
    public CompletableFuture<Subscription> subscribe(String channel, Consumer<String> listener) {
        RTopic topic = redisson.getTopic(channel, StringCodec.INSTANCE);
        return topic.addListenerAsync(String.class, (ch, msg) -> listener.accept(msg)).toCompletableFuture()
                .<Subscription>thenApply(id -> () -> topic.removeListenerAsync(id))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate("subscribe", e)));
    }

    @Override
    public CompletableFuture<List<String>> scan(String pattern) {
        return CompletableFuture.supplyAsync(() -> {
            try (Stream<String> keys = redisson.getKeys().getKeysStreamByPattern(pattern, 1000)) {
                return keys.collect(Collectors.toList());
            }
        }, scanExecutor).exceptionallyCompose(e -> CompletableFuture.failedFuture(translate("scan", e)));
    }

    /** Nothing to do: the Redisson client belongs to the caller. */
    @Override
    public void close() {
    }

    private static boolean isNoScript(Throwable e) {
        Throwable t = unwrap(e);
        return t instanceof RedisException && String.valueOf(t.getMessage()).contains("NOSCRIPT");
    }

    private static Throwable translate(String what, Throwable e) {
        Throwable t = unwrap(e);
        if (t instanceof LimiterException) {
            return t;
        }
        if (t instanceof RedisTimeoutException || t instanceof RedisConnectionException) {
            return new LimiterUnavailableException("Redis (via Redisson) is unavailable for " + what + ": "
                    + t.getMessage(), t);
        }
        if (t instanceof RedisException) {
            return ScriptErrors.rejected("Redis (via Redisson)", what, t.getMessage(), t);
        }
        return new LimiterUnavailableException("Redis (via Redisson) failed " + what + ": " + t, t);
    }

    @Override
    public String toString() {
        return "RedissonBackend{" + redisson.getConfig().toString().length() + "}";
    }
}
