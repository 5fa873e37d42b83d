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
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.internal.redis.ScriptErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RedisBackend} on Lettuce, for the three ways Redis is deployed:
 *
 * <ul>
 *   <li>standalone: {@code redis://[:password@]host[:port][/database]} or {@code rediss://...} (TLS);
 *   <li>Sentinel: {@code redis-sentinel://[:password@]host[:port][,host2[:port2]...][/database]#masterName}
 *       (Lettuce asks the sentinels for the current master on every connect and reconnect);
 *   <li>Redis Cluster: {@code redis-cluster://[:password@]host[:port][,host2[:port2]...]} or
 *       {@code rediss-cluster://...}: seed nodes, any of them enough to discover the cluster. Needs Redis 7
 *       (release notifications use sharded pub/sub, so they stay on the shard that owns the limit).
 * </ul>
 *
 * <p>One shared command connection (Lettuce pipelines concurrent commands on it; in a cluster one per node) and
 * pub/sub (on a cluster, a pub/sub connection to every master), opened lazily, together, on the first command, and
 * reopened after a failed connect; once open, Lettuce reconnects by itself (at most 1 s between attempts). After a
 * pub/sub reconnect, or when a cluster shard moves to another node, every channel
 * is subscribed again and its listeners receive an empty message: notifications may have been missed, so
 * waiters should look again. Thread-safe.
 */
public final class LettuceBackend implements RedisBackend {
    private static final Logger log = LoggerFactory.getLogger(LettuceBackend.class);

    /** Default bound on opening a connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Default bound on one command (one script call). */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** Longest pause between reconnect attempts, so a recovered Redis is found again within about a second. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    /** The words every error caused by a wrong password or user starts its explanation with. */
    public static final String AUTHENTICATION_FAILED = "authentication failed: check the user and password in the "
            + "Redis URI";

    /** Daemon threads that issue scan steps (idle ones end after a minute). */
    private static final Executor SCAN_STEPS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "limiter-scan");
        t.setDaemon(true);
        return t;
    });

    private final LettuceTopology topology;
    private final Duration commandTimeout;
    private final String displayUri;
    private final ClientResources ownedResources;
    private final Map<String, Set<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Orders the calls made while the connection is being opened (see {@link #inCallOrder}). */
    private final Object issueOrder = new Object();
    private CompletableFuture<Void> lastIssued = CompletableFuture.completedFuture(null);

    private LettuceBackend(LettuceUris.Target target, Duration connectTimeout, Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
        this.displayUri = target.display();
        this.ownedResources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(1), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
        for (RedisURI u : target.uris()) {
            u.setTimeout(commandTimeout);
        }
        if (target.cluster()) {
            RedisClusterClient client = RedisClusterClient.create(ownedResources, target.uris());
            client.setOptions(ClusterClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(Duration.ofSeconds(10))
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                            .refreshTriggersReconnectAttempts(2)
                            .build())
                    .build());
            this.topology = new LettuceCluster(client, this);
        } else {
            RedisClient client = RedisClient.create(ownedResources, target.uris().get(0));
            client.setOptions(ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts).build());
            this.topology = new LettuceStandalone(client, target.uris().get(0), true, this);
        }
    }

    private LettuceBackend(RedisClient client, RedisURI uri) {
        this.commandTimeout = uri.getTimeout();
        this.displayUri = LettuceUris.redact(uri);
        this.ownedResources = null;
        this.topology = new LettuceStandalone(client, uri, false, this);
    }

    /**
     * A backend with its own Lettuce client, with default timeouts.
     *
     * @throws LimiterValidationException if {@code redisUri} is not one of the URI forms above
     */
    public static LettuceBackend create(String redisUri) {
        return create(redisUri, DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT);
    }

    /**
     * A backend with its own Lettuce client. No connection is opened until the first command, so this never
     * fails because Redis is down.
     *
     * @throws LimiterValidationException if {@code redisUri} is not one of the URI forms above, or a timeout is
     *         not positive
     */
    public static LettuceBackend create(String redisUri, Duration connectTimeout, Duration commandTimeout) {
        LettuceUris.Target target = LettuceUris.target(redisUri);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("commandTimeout", commandTimeout);
        return new LettuceBackend(target, connectTimeout, commandTimeout);
    }

    /** A backend over a standalone or Sentinel client the caller owns (and closes); commands go to {@code uri}. */
    public static LettuceBackend wrap(RedisClient client, RedisURI uri) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(uri, "uri");
        return new LettuceBackend(client, uri);
    }

    /**
     * Checks a Redis URI in any of the forms above.
     *
     * @return the URI without credentials, for logs
     * @throws LimiterValidationException naming field {@code redisUri} (the password is never echoed)
     */
    public static String validate(String redisUri) {
        return LettuceUris.target(redisUri).display();
    }

    @Override
    public CompletableFuture<Object> eval(Script script, List<String> keys, List<String> args) {
        Script s = topology.variant(script);
        String[] k = keys.toArray(new String[0]);
        String[] a = args.toArray(new String[0]);
        // EVALSHA, then EVAL on NOSCRIPT (a restart or SCRIPT FLUSH), within one command timeout in all: the
        // fallback never doubles the time a caller waits before failing closed. (Ordering across such a fallback is
        // the caller's concern: the client repeats unanswered releases in its later calls.)
        return inCallOrder(topology.commands(), c -> c.<Object>evalsha(s.sha1(), ScriptOutputType.MULTI, k, a)
                        .toCompletableFuture()
                        .exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                                ? c.<Object>eval(s.source(), ScriptOutputType.MULTI, k, a).toCompletableFuture()
                                : CompletableFuture.failedFuture(e))
                        .orTimeout(commandTimeout.toNanos(), TimeUnit.NANOSECONDS))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        ScriptErrors.forKeys(translate(script.name(), e), keys)));
    }

    /**
     * Issues {@code command} on the connection once it is up, in the order the calls were made. While a connection
     * is still being opened, the calls made meanwhile wait in a chain (each is issued once the one before it was),
     * because the dependents of one pending future would run in reverse order: the first calls of a fresh client
     * (its first acquires, a release and the acquire after it) would reach Redis backwards.
     */
    private CompletableFuture<Object> inCallOrder(CompletableFuture<RedisClusterAsyncCommands<String, String>> conn,
            java.util.function.Function<RedisClusterAsyncCommands<String, String>, CompletableFuture<Object>> command) {
        CompletableFuture<Void> before;
        CompletableFuture<Void> issued = new CompletableFuture<>();
        synchronized (issueOrder) {
            before = lastIssued;
            if (before.isDone() && conn.isDone() && !conn.isCompletedExceptionally()) {
                return command.apply(conn.join()); // the usual case: connected, nothing waiting
            }
            lastIssued = issued;
        }
        return before.thenCompose(ignored -> conn).handle((c, e) -> {
            if (e != null) {
                issued.complete(null);
                return CompletableFuture.<Object>failedFuture(e);
            }
            CompletableFuture<Object> f;
            try {
                f = command.apply(c);
            } finally {
                issued.complete(null);
            }
            return f;
        }).thenCompose(f -> f);
    }

    /**
     * {@inheritDoc} On a cluster, Lettuce's cluster scan walks every master in turn. Each step is issued from
     * {@link #SCAN_STEPS}, never from a Netty event loop: Lettuce's cluster scan opens the next master's connection
     * synchronously, and on the event loop that connection needs, it waited for itself forever (seen as a listing
     * that never answered and a {@code close()} that hung).
     */
    @Override
    public CompletableFuture<List<String>> scan(String pattern) {
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
        List<String> found = new ArrayList<>();
        return topology.commands()
                .thenComposeAsync(c -> scanFrom(c, ScanCursor.INITIAL, args, found), SCAN_STEPS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate("scan", e)));
    }

    private CompletableFuture<List<String>> scanFrom(RedisClusterAsyncCommands<String, String> c, ScanCursor cursor,
            ScanArgs args, List<String> found) {
        return c.scan(cursor, args).toCompletableFuture().thenComposeAsync(page -> {
            found.addAll(page.getKeys());
            return page.isFinished() ? CompletableFuture.completedFuture(found) : scanFrom(c, page, args, found);
        }, SCAN_STEPS);
    }

    @Override
    public CompletableFuture<Subscription> subscribe(String channel, Consumer<String> listener) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(listener, "listener");
        Set<Consumer<String>> set = listeners.computeIfAbsent(channel, c -> new CopyOnWriteArraySet<>());
        set.add(listener);
        Subscription subscription = () -> set.remove(listener);
        return topology.subscribe(channel)
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
        topology.close();
        if (ownedResources != null) {
            ownedResources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "LettuceBackend{" + displayUri + "}";
    }

    /** Channels with at least one listener (what a reconnected pub/sub connection must subscribe again). */
    Set<String> channels() {
        Set<String> out = new HashSet<>();
        listeners.forEach((channel, set) -> {
            if (!set.isEmpty()) {
                out.add(channel);
            }
        });
        return out;
    }

    void deliver(String channel, String message) {
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

    private Throwable translate(String what, Throwable e) {
        Throwable cause = unwrap(e);
        if (cause instanceof LimiterException) {
            return cause;
        }
        String refused = authenticationFailure(cause);
        if (refused != null) {
            return new LimiterUnavailableException("Redis at " + displayUri + " refused the connection for " + what
                    + ": " + AUTHENTICATION_FAILED + " (" + refused + ")", cause);
        }
        if (cause instanceof RedisCommandTimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
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
            return ScriptErrors.rejected("Redis at " + displayUri, what, message, cause);
        }
        return new LimiterUnavailableException("Redis at " + displayUri + " is unavailable for " + what + ": "
                + cause.getMessage(), cause);
    }

    /** Redis's answer when the URI's password (or user) is wrong or missing, anywhere in {@code e}'s causes. */
    private static String authenticationFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (t instanceof RedisCommandExecutionException && m != null && (m.startsWith("WRONGPASS")
                    || m.startsWith("NOAUTH") || m.startsWith("ERR invalid password")
                    || m.startsWith("ERR AUTH") || m.startsWith("ERR Client sent AUTH"))) {
                return m;
            }
        }
        return null;
    }

    private static void requirePositive(String field, Duration d) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new LimiterValidationException(field, d, "be positive");
        }
    }

    /** {@code uri} with any credentials replaced by {@code ***}, for logs and messages. */
    public static String redactText(String uri) {
        return LettuceUris.redactText(uri);
    }
}
