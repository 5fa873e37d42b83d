package io.limiter.core.redis;

import static io.limiter.core.internal.Exceptions.unwrap;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.LimiterValidationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RedisBackend} on Lettuce for standalone Redis: {@code redis://} and {@code rediss://} URIs with
 * password and database ({@code redis://:secret@host:6379/2}). One shared command connection (Lettuce
 * pipelines concurrent commands on it) and one pub/sub connection, both opened lazily and reopened after a
 * failed connect; once open, Lettuce reconnects and resubscribes by itself. Thread-safe.
 */
public final class LettuceBackend implements RedisBackend {
    private static final Logger log = LoggerFactory.getLogger(LettuceBackend.class);

    /** Default bound on opening a connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Default bound on one command (one script call). */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final RedisClient client;
    private final RedisURI uri;
    private final boolean ownsClient;
    private final Duration commandTimeout;
    private final String displayUri;
    private final Lazy<StatefulRedisConnection<String, String>> commands;
    private final Lazy<StatefulRedisPubSubConnection<String, String>> pubsub;
    private final Map<String, Set<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private LettuceBackend(RedisClient client, RedisURI uri, boolean ownsClient, Duration commandTimeout) {
        this.client = client;
        this.uri = uri;
        this.ownsClient = ownsClient;
        this.commandTimeout = commandTimeout;
        this.displayUri = redact(uri);
        this.commands = new Lazy<>(() -> client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture());
        this.pubsub = new Lazy<>(() -> client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture()
                .thenApply(this::listen));
    }

    /**
     * A backend with its own Lettuce client, with default timeouts.
     *
     * @throws LimiterValidationException if {@code redisUri} is not a valid {@code redis://} or
     *         {@code rediss://} URI
     */
    public static LettuceBackend create(String redisUri) {
        return create(redisUri, DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT);
    }

    /**
     * A backend with its own Lettuce client. No connection is opened until the first command, so this never
     * fails because Redis is down.
     *
     * @throws LimiterValidationException if {@code redisUri} is not a valid {@code redis://} or
     *         {@code rediss://} URI, or a timeout is not positive
     */
    public static LettuceBackend create(String redisUri, Duration connectTimeout, Duration commandTimeout) {
        RedisURI uri = parse(redisUri);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("commandTimeout", commandTimeout);
        uri.setTimeout(commandTimeout);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
        return new LettuceBackend(client, uri, true, commandTimeout);
    }

    /** A backend over a client the caller owns (and closes); commands go to {@code uri}. */
    public static LettuceBackend wrap(RedisClient client, RedisURI uri) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(uri, "uri");
        return new LettuceBackend(client, uri, false, uri.getTimeout());
    }

    /**
     * Parses and checks a Redis URI.
     *
     * @throws LimiterValidationException naming field {@code redisUri} (the password is never echoed)
     */
    public static RedisURI parse(String redisUri) {
        Objects.requireNonNull(redisUri, "redisUri");
        String rule = "be a redis://[:password@]host[:port][/database] or rediss://... URI";
        int colon = redisUri.indexOf("://");
        String scheme = colon < 0 ? "" : redisUri.substring(0, colon);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new LimiterValidationException("redisUri", redactText(redisUri), rule);
        }
        try {
            RedisURI uri = RedisURI.create(redisUri);
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new LimiterValidationException("redisUri", redactText(redisUri), rule);
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new LimiterValidationException("redisUri", redactText(redisUri), rule + " (" + e.getMessage() + ")");
        }
    }

    @Override
    public CompletableFuture<Object> eval(Script script, List<String> keys, List<String> args) {
        String[] k = keys.toArray(new String[0]);
        String[] a = args.toArray(new String[0]);
        return commands.get()
                .thenCompose(c -> c.async().<Object>evalsha(script.sha1(), ScriptOutputType.MULTI, k, a)
                        .toCompletableFuture()
                        .exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                                ? c.async().<Object>eval(script.source(), ScriptOutputType.MULTI, k, a)
                                        .toCompletableFuture()
                                : CompletableFuture.failedFuture(e)))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate(script.name(), e)));
    }

    @Override
    public CompletableFuture<List<String>> scan(String pattern) {
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
        List<String> found = new ArrayList<>();
        return commands.get()
                .thenCompose(c -> scanFrom(c, ScanCursor.INITIAL, args, found))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate("scan", e)));
    }

    private CompletableFuture<List<String>> scanFrom(StatefulRedisConnection<String, String> c, ScanCursor cursor,
            ScanArgs args, List<String> found) {
        return c.async().scan(cursor, args).toCompletableFuture().thenCompose(page -> {
            found.addAll(page.getKeys());
            return page.isFinished() ? CompletableFuture.completedFuture(found) : scanFrom(c, page, args, found);
        });
    }

    @Override
    public CompletableFuture<Subscription> subscribe(String channel, Consumer<String> listener) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(listener, "listener");
        Set<Consumer<String>> set = listeners.computeIfAbsent(channel, c -> new CopyOnWriteArraySet<>());
        set.add(listener);
        Subscription subscription = () -> {
            set.remove(listener);
        };
        return pubsub.get()
                .thenCompose(c -> c.async().subscribe(channel).toCompletableFuture())
                .<Subscription>thenApply(ignored -> subscription)
                .exceptionallyCompose(e -> {
                    set.remove(listener);
                    return CompletableFuture.failedFuture(translate("subscribe", e));
                });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // An owned client closes its connections itself when it shuts down.
        commands.close(!ownsClient);
        pubsub.close(!ownsClient);
        if (ownsClient) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Override
    public String toString() {
        return "LettuceBackend{" + displayUri + "}";
    }

    private StatefulRedisPubSubConnection<String, String> listen(StatefulRedisPubSubConnection<String, String> c) {
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                Set<Consumer<String>> set = listeners.get(channel);
                if (set == null) {
                    return;
                }
                for (Consumer<String> l : set) {
                    try {
                        l.accept(message);
                    } catch (RuntimeException e) {
                        log.warn("listener on channel {} failed", channel, e);
                    }
                }
            }
        });
        // Channels subscribed before a failed connect are subscribed again on the new connection.
        if (!listeners.isEmpty()) {
            c.async().subscribe(listeners.keySet().toArray(new String[0]));
        }
        return c;
    }

    private Throwable translate(String what, Throwable e) {
        Throwable cause = unwrap(e);
        if (cause instanceof LimiterException) {
            return cause;
        }
        if (cause instanceof RedisCommandTimeoutException) {
            return new LimiterUnavailableException(
                    "Redis at " + displayUri + " did not answer " + what + " within " + commandTimeout, cause);
        }
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof RedisCommandExecutionException && (message.startsWith("LOADING")
                || message.startsWith("BUSY") || message.startsWith("READONLY") || message.startsWith("MASTERDOWN")
                || message.startsWith("TRYAGAIN") || message.startsWith("CLUSTERDOWN"))) {
            // Redis is there but cannot serve this now (starting, stuck script, failover): unavailable, not rejected.
            return new LimiterUnavailableException("Redis at " + displayUri + " cannot serve " + what + " now: "
                    + message, cause);
        }
        if (cause instanceof RedisCommandExecutionException) {
            return new LimiterException("Redis at " + displayUri + " rejected " + what + ": " + cause.getMessage(),
                    cause);
        }
        return new LimiterUnavailableException("Redis at " + displayUri + " is unavailable for " + what + ": "
                + cause.getMessage(), cause);
    }

    private static void requirePositive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new LimiterValidationException(field, d, "be positive");
        }
    }

    private static String redact(RedisURI uri) {
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + "/"
                + uri.getDatabase();
    }

    /** {@code uri} with any credentials replaced by {@code ***}, for logs and messages. */
    public static String redactText(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }

    /** A connection opened on first use; a failed open is retried on the next use. */
    private static final class Lazy<C extends io.lettuce.core.api.StatefulConnection<?, ?>> {
        private final Supplier<CompletableFuture<C>> opener;
        private CompletableFuture<C> current;
        private boolean closed;

        Lazy(Supplier<CompletableFuture<C>> opener) {
            this.opener = opener;
        }

        synchronized CompletableFuture<C> get() {
            if (closed) {
                return CompletableFuture.failedFuture(
                        new LimiterUnavailableException("the Redis backend is closed", null));
            }
            if (current == null || current.isCompletedExceptionally()) {
                current = opener.get();
            }
            return current;
        }

        synchronized void close(boolean closeConnection) {
            closed = true;
            if (closeConnection && current != null) {
                current.thenAccept(c -> c.closeAsync());
            }
        }
    }
}
