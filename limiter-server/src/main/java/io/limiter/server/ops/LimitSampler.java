package io.limiter.server.ops;

import io.limiter.core.CorruptLimitException;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.internal.redis.Listing;
import io.limiter.core.redis.LimitState;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Reads every limit's state once per tick ({@code limiter.sample-interval}, default 1 s), for every consumer at
 * once: Prometheus gauges and counters, recent grant/deny rates, and the dashboard stream ({@link #updates()}).
 * Also re-applies declared limits that vanished from Redis.
 *
 * <p>However many dashboards are open, Redis is read once per tick. While anyone subscribes to {@link #updates()},
 * that read also lists up to {@link #STREAM_HOLDERS} holders per limit; otherwise it lists none.
 */
@Singleton
public class LimitSampler {
    private static final Logger log = LoggerFactory.getLogger(LimitSampler.class);
    private static final int KEEP = 300;
    /** Holders listed per limit in each snapshot while the stream has subscribers (at most max-holders). */
    public static final int STREAM_HOLDERS = 200;

    private final LimitStore store;
    private final LimiterServerConfig config;
    private final LimitMetrics metrics;
    private final DeclaredLimits declared;
    private final Map<String, Deque<Sample>> history = new ConcurrentHashMap<>();
    private final Sinks.Many<Snapshot> updates = Sinks.many().multicast().directBestEffort();
    private volatile Snapshot latest = new Snapshot(Instant.EPOCH, List.of(), false, "not sampled yet", 0, List.of());
    /** Limits reported unreadable at the last tick, so each is logged once when it turns unreadable. */
    private final Set<String> unreadableLogged = ConcurrentHashMap.newKeySet();
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

    /**
     * Every limit's state at one tick; {@code redisUp} false (with the error) when the read failed, in which case
     * {@code states} are the last ones read. {@code holdersListed} is how many holders per limit were asked for
     * (0: the states list no holders, only their count). {@code unreadable} are the limits whose data in Redis
     * cannot be read (left out of {@code states}; the others are not affected).
     */
    public record Snapshot(Instant at, List<LimitState> states, boolean redisUp, String error, int holdersListed,
            List<CorruptLimitException> unreadable) {
    }

    /** Grants and denials per second between two consecutive samples, at the later one's Redis time (ms). */
    public record RatePoint(long atMs, double grantsPerSecond, double denialsPerSecond) {
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

    /**
     * Reads all limits now (one SCAN plus one state call per limit, pipelined), updates every consumer and
     * publishes the snapshot to {@link #updates()}. Blocks up to three command timeouts; never throws for Redis
     * failures (the snapshot says Redis is down).
     */
    public Snapshot sample() {
        long timeoutMs = config.getCommandTimeout().toMillis() * 3;
        int holders = updates.currentSubscriberCount() > 0 ? Math.min(STREAM_HOLDERS, config.getMaxHolders()) : 0;
        try {
            Listing listing = store.listing(holders).get(timeoutMs, TimeUnit.MILLISECONDS);
            List<LimitState> states = listing.states();
            Set<String> present = new HashSet<>();
            for (LimitState s : states) {
                present.add(s.name());
                record(s);
            }
            Set<String> unreadable = new HashSet<>();
            for (CorruptLimitException e : listing.unreadable()) {
                present.add(e.limit());
                unreadable.add(e.limit());
                if (unreadableLogged.add(e.limit())) {
                    log.warn("{}", e.getMessage());
                }
            }
            unreadableLogged.retainAll(unreadable);
            history.keySet().retainAll(present);
            metrics.update(states);
            declared.reapplyMissing(present);
            if (wasDown) {
                log.info("Redis is reachable again");
                wasDown = false;
            }
            latest = new Snapshot(Instant.now(), List.copyOf(states), true, null, holders, listing.unreadable());
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause() : e;
            if (!wasDown) {
                log.warn("cannot read limit state from Redis: {}", cause.getMessage());
                wasDown = true;
            }
            latest = new Snapshot(Instant.now(), latest.states(), false, String.valueOf(cause.getMessage()),
                    latest.holdersListed(), latest.unreadable());
        }
        Snapshot published = latest;
        synchronized (updates) {
            // One emitter at a time (tests call sample() beside the scheduled tick); slow subscribers miss ticks.
            updates.tryEmitNext(published);
        }
        return published;
    }

    /** The snapshot of the last tick; before the first tick, an empty one with {@code redisUp} false. */
    public Snapshot latest() {
        return latest;
    }

    /**
     * Every tick's snapshot from now on, to any number of subscribers; one Redis read per tick serves them all.
     * Hot and best-effort: a subscriber that is not ready for the next snapshot misses it. Never completes.
     */
    public Flux<Snapshot> updates() {
        return updates.asFlux();
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

    /**
     * Per-tick grant and deny rates of {@code name} from the kept samples (up to 300 ticks), oldest first, only
     * those later than {@code afterMs} (Redis time, ms; 0 for all). Empty for an unknown limit.
     */
    public List<RatePoint> rates(String name, long afterMs) {
        List<Sample> h = history(name);
        List<RatePoint> out = new ArrayList<>();
        for (int i = 1; i < h.size(); i++) {
            Sample a = h.get(i - 1);
            Sample b = h.get(i);
            double seconds = (b.atMs() - a.atMs()) / 1000.0;
            if (b.atMs() > afterMs && seconds > 0) {
                out.add(new RatePoint(b.atMs(), Math.max(0, b.grants() - a.grants()) / seconds,
                        Math.max(0, b.denials() - a.denials()) / seconds));
            }
        }
        return out;
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
