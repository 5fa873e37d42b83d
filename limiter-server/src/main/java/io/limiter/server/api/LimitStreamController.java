package io.limiter.server.api;

import io.limiter.core.redis.LimitState;
import io.limiter.server.api.Views.HolderView;
import io.limiter.server.api.Views.LimitFrame;
import io.limiter.server.api.Views.LimitSummary;
import io.limiter.server.api.Views.RateView;
import io.limiter.server.api.Views.StreamEvent;
import io.limiter.server.api.Views.UnreadableView;
import io.limiter.server.ops.LimitSampler;
import io.limiter.server.ops.LimitSampler.Snapshot;
import io.limiter.server.config.LimiterServerConfig;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.sse.Event;
import io.micronaut.json.JsonMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The dashboard's live feed: every limit's state as server-sent events, fed by the {@link LimitSampler}'s ticks.
 * However many streams are open, Redis is read once per tick, and each tick's event is built and serialized once
 * and shared by every stream. Events go out at most about once per second per stream.
 */
@Controller("/api/limits")
@Tag(name = "limits")
public class LimitStreamController {
    /** Events closer together than this are skipped (the next one carries their rate points). */
    static final Duration MIN_EVENT_GAP = Duration.ofMillis(900);
    /** Events a slow stream may fall behind by before its oldest unsent ones are dropped. */
    private static final int SLOW_STREAM_BUFFER = 8;

    private final LimitSampler sampler;
    private final JsonMapper json;
    private final Flux<String> updates;
    /** Per limit, the Redis time of the last rate point sent; touched only by the one shared update pipeline. */
    private final Map<String, Long> sentUpTo = new HashMap<>();
    private long lastEventNanos;
    private final Duration keepAlive;

    public LimitStreamController(LimitSampler sampler, JsonMapper json, LimiterServerConfig config) {
        this.sampler = sampler;
        this.keepAlive = config.getStreamKeepAlive();
        this.json = json;
        // One subscription to the sampler while any stream is open, none otherwise (so no holders are read).
        this.updates = sampler.updates().doOnSubscribe(s -> forgetSent()).filter(s -> due()).map(this::update)
                .publish().refCount();
    }

    /**
     * Opens a stream. The first event ({@code snapshot}) comes at once, from the last tick (or at the first tick
     * when the server has just started), with the last ~5 minutes of rates; then one {@code update} event per tick, at most about one per second. Never completes;
     * closing the connection ends it.
     *
     * @return the events; each {@code data} is one {@link StreamEvent} as JSON
     */
    @Get(value = "/stream", produces = MediaType.TEXT_EVENT_STREAM)
    @Operation(summary = "Live state of every limit as server-sent events (the dashboard's feed)",
            description = "First event 'snapshot' at once (rates of the last ~5 minutes), then an 'update' event per "
                    + "sampler tick, at most about one per second. Each data line is a StreamEvent: {at, redisUp, "
                    + "error, limits: [{summary, readAt, rates: [{at, grants, denials}], holders, counters}], "
                    + "unreadable: [{name, error}]}. One Redis read "
                    + "per tick serves every open stream. A 'keep-alive' event (data {}) comes every "
                    + "limiter.stream-keep-alive (10 s).")
    @ApiResponse(responseCode = "200", description = "The event stream")
    public Publisher<Event<String>> stream() {
        // Right after start, nothing has been sampled yet: the first tick is then the snapshot.
        Mono<Event<String>> first = Mono.defer(() -> sampler.latest().at().equals(Instant.EPOCH)
                ? sampler.updates().next() : Mono.just(sampler.latest()))
                .map(s -> Event.of(snapshot(s)).name("snapshot"));
        Flux<Event<String>> events = updates.onBackpressureBuffer(SLOW_STREAM_BUFFER, BufferOverflowStrategy.DROP_OLDEST)
                .map(data -> Event.of(data).name("update"));
        // A quiet stream (a long sample interval) still sends something, so it is not closed as an idle connection.
        Flux<Event<String>> keepAlives = Flux.interval(keepAlive).map(i -> Event.of("{}").name("keep-alive"));
        return first.concatWith(Flux.merge(events, keepAlives));
    }

    private synchronized boolean due() {
        long now = System.nanoTime();
        if (lastEventNanos != 0 && now - lastEventNanos < MIN_EVENT_GAP.toNanos()) {
            return false;
        }
        lastEventNanos = now;
        return true;
    }

    /** The first event of a new stream: the last tick, with every kept rate point. */
    private String snapshot(Snapshot s) {
        List<LimitFrame> frames = new ArrayList<>();
        for (LimitState state : s.states()) {
            frames.add(frame(state, sampler.rates(state.name(), 0), s.holdersListed() > 0));
        }
        return write(event(s, frames));
    }

    private static StreamEvent event(Snapshot s, List<LimitFrame> frames) {
        return new StreamEvent(s.at(), s.redisUp(), s.error(), frames,
                s.unreadable().stream().map(UnreadableView::of).toList());
    }

    /** The shared pipeline (re)connects: every stream starts with a snapshot, so no older points are owed. */
    private synchronized void forgetSent() {
        sentUpTo.clear();
    }

    /**
     * An event for a new tick, shared by every open stream: the rate points since the previous event (only the
     * last one for a limit new to this pipeline, whose history the streams got in their snapshot).
     */
    private synchronized String update(Snapshot s) {
        List<LimitFrame> frames = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        for (LimitState state : s.states()) {
            List<LimitSampler.RatePoint> points = sampler.rates(state.name(), sentUpTo.getOrDefault(state.name(), 0L));
            if (!sentUpTo.containsKey(state.name()) && points.size() > 1) {
                points = points.subList(points.size() - 1, points.size());
            }
            seen.put(state.name(), points.isEmpty() ? sentUpTo.getOrDefault(state.name(), 0L)
                    : points.get(points.size() - 1).atMs());
            frames.add(frame(state, points, s.holdersListed() > 0));
        }
        sentUpTo.clear();
        sentUpTo.putAll(seen);
        return write(event(s, frames));
    }

    private static LimitFrame frame(LimitState s, List<LimitSampler.RatePoint> rates, boolean withHolders) {
        return new LimitFrame(LimitSummary.of(s), s.readAt(), rates.stream().map(RateView::of).toList(),
                withHolders ? s.holders().stream().map(HolderView::of).toList() : null, s.counters());
    }

    private String write(StreamEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
