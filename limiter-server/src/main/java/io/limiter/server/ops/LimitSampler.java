package io.limiter.server.ops;

import io.limiter.core.redis.LimitState;
import io.limiter.core.redis.LimitStore;
import io.limiter.server.config.LimiterServerConfig;
import io.limiter.server.redis.RedisConnection;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every limit's state once per tick ({@code limiter.sample-interval}, default 1 s), for every consumer at
 * once: Prometheus gauges and counters, recent grant/deny rates, and (later) the dashboard stream. Also re-applies
 * declared limits that vanished from Redis.
 */
@Singleton
public class LimitSampler {
    private static final Logger log = LoggerFactory.getLogger(LimitSampler.class);
    private static final int KEEP = 300;

    private final LimitStore store;
    private final LimiterServerConfig config;
    private final LimitMetrics metrics;
    private final DeclaredLimits declared;
    private final Map<String, Deque<Sample>> history = new ConcurrentHashMap<>();
    private volatile Snapshot latest = new Snapshot(Instant.EPOCH, List.of(), false, "not sampled yet");
    private volatile boolean wasDown;

    public LimitSampler(RedisConnection redis, LimiterServerConfig config, LimitMetrics metrics,
            DeclaredLimits declared) {
        this.store = redis.store();
        this.config = config;
        this.metrics = metrics;
        this.declared = declared;
    }

    /** One sample of one limit's cumulative counters, at Redis time. */
    public record Sample(long atMs, long grants, long denials) {
    }

    /** Every limit's state at one tick; {@code redisUp} false (with the error) when the read failed. */
    public record Snapshot(Instant at, List<LimitState> states, boolean redisUp, String error) {
    }

    /** Grants and denials per second, averaged over a window. */
    public record Rates(double grantsPerSecond, double denialsPerSecond, Duration window) {
    }

    @Scheduled(fixedDelay = "${limiter.sample-interval:1s}", initialDelay = "${limiter.sample-interval:1s}")
    void tick() {
        try {
            sample();
        } catch (RuntimeException e) {
            log.debug("sampling failed", e);
        }
    }

    /** Reads all limits now (one SCAN plus one state call per limit, pipelined) and updates every consumer. */
    public Snapshot sample() {
        long timeoutMs = config.getCommandTimeout().toMillis() * 3;
        try {
            List<String> names = store.list().get(timeoutMs, TimeUnit.MILLISECONDS);
            List<CompletableFuture<Optional<LimitState>>> reads = new ArrayList<>();
            for (String n : names) {
                reads.add(store.state(n, 0));
            }
            List<LimitState> states = new ArrayList<>();
            for (CompletableFuture<Optional<LimitState>> r : reads) {
                r.get(timeoutMs, TimeUnit.MILLISECONDS).ifPresent(states::add);
            }
            Set<String> present = new HashSet<>();
            for (LimitState s : states) {
                present.add(s.name());
                record(s);
            }
            history.keySet().retainAll(present);
            metrics.update(states);
            declared.reapplyMissing(present);
            if (wasDown) {
                log.info("Redis is reachable again");
                wasDown = false;
            }
            latest = new Snapshot(Instant.now(), List.copyOf(states), true, null);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause() : e;
            if (!wasDown) {
                log.warn("cannot read limit state from Redis: {}", cause.getMessage());
                wasDown = true;
            }
            latest = new Snapshot(Instant.now(), latest.states(), false, String.valueOf(cause.getMessage()));
        }
        return latest;
    }

    public Snapshot latest() {
        return latest;
    }

    /** Grant and deny rates of {@code name} over about the last {@code window}; empty until two samples exist. */
    public Optional<Rates> recent(String name, Duration window) {
        Deque<Sample> h = history.get(name);
        if (h == null) {
            return Optional.empty();
        }
        synchronized (h) {
            if (h.size() < 2) {
                return Optional.empty();
            }
            Sample last = h.peekLast();
            Sample first = last;
            for (var it = h.descendingIterator(); it.hasNext();) {
                Sample s = it.next();
                if (last.atMs() - s.atMs() > window.toMillis()) {
                    break;
                }
                first = s;
            }
            double seconds = (last.atMs() - first.atMs()) / 1000.0;
            if (seconds <= 0) {
                return Optional.empty();
            }
            return Optional.of(new Rates(Math.max(0, last.grants() - first.grants()) / seconds,
                    Math.max(0, last.denials() - first.denials()) / seconds,
                    Duration.ofMillis(last.atMs() - first.atMs())));
        }
    }

    /** The kept samples of {@code name}, oldest first (up to 300 ticks). */
    public List<Sample> history(String name) {
        Deque<Sample> h = history.get(name);
        if (h == null) {
            return List.of();
        }
        synchronized (h) {
            return List.copyOf(h);
        }
    }

    private void record(LimitState s) {
        Deque<Sample> h = history.computeIfAbsent(s.name(), n -> new ArrayDeque<>());
        synchronized (h) {
            h.addLast(new Sample(s.readAt().toEpochMilli(), s.counters().getOrDefault("grants", 0L),
                    s.counters().getOrDefault("denials", 0L)));
            while (h.size() > KEEP) {
                h.removeFirst();
            }
        }
    }
}
