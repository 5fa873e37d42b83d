package io.limiter.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.limiter.core.CorruptLimitException;
import io.limiter.core.LimitPolicy;
import io.limiter.core.PolicySchema;
import io.limiter.core.internal.redis.InstanceInfo;
import io.limiter.core.internal.redis.KeyOverrides;
import io.limiter.core.redis.Holder;
import io.limiter.core.redis.LimitState;
import io.limiter.server.ops.LimitSampler;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the admin API. */
public final class Views {
    private Views() {
    }

    /** A policy as JSON: its fields by name (see {@link PolicySchema}); absent parts are left out. */
    static Map<String, Object> policy(LimitPolicy p) {
        return PolicySchema.of(p);
    }

    /**
     * How full one part of a limit is (see {@link PolicySchema#gauges}).
     *
     * @param part the part ({@code concurrency}, {@code rate}, {@code quota})
     * @param label what is counted
     * @param used how much is used
     * @param max the part's capacity
     * @param resetAt when the count starts from zero again (a quota's window end), else absent
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GaugeView(String part, String label, double used, double max, @Nullable Instant resetAt) {
        static List<GaugeView> of(LimitState s) {
            return PolicySchema.gauges(s).stream()
                    .map(g -> new GaugeView(g.part(), g.label(), round(g.used()), g.max(), g.resetAt())).toList();
        }
    }

    /**
     * One limit in the list: policy and a state summary; for a limit whose data in Redis cannot be read, only its name
     * and {@code error} (why, and how to repair it).
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LimitSummary(String name, @Nullable Map<String, Object> policy, @Nullable Long permitsInUse,
            @Nullable Integer permitsCap, @Nullable Double tokensAvailable, @Nullable Long burst,
            @Nullable Long quotaRemaining, @Nullable Instant quotaResetAt, int holders, boolean saturated,
            @Nullable Integer waiting, @Nullable List<GaugeView> gauges, @Nullable String error) {

        static LimitSummary of(LimitState s) {
            LimitPolicy p = s.policy();
            return new LimitSummary(s.name(), Views.policy(p), p.hasConcurrency() ? s.permitsInUse() : null,
                    p.hasConcurrency() ? p.permits() : null, p.hasRate() ? round(s.tokens()) : null,
                    p.hasRate() ? p.burst() : null, p.hasQuota() ? s.quotaRemaining() : null,
                    p.hasQuota() ? s.quotaResetAt() : null, s.holderCount(), Views.saturated(s),
                    p.fair() ? s.queued() : null, GaugeView.of(s), null);
        }

        static LimitSummary unreadable(CorruptLimitException e) {
            return new LimitSummary(e.limit(), null, null, null, null, null, null, null, 0, false, null, null,
                    e.getMessage());
        }
    }

    /** One limit in full. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LimitDetail(String name, Map<String, Object> policy, Instant readAt, @Nullable Long permitsInUse,
            @Nullable Integer permitsCap, @Nullable Double tokensAvailable, @Nullable Long burst,
            @Nullable Long quotaUsed, @Nullable Long quotaRemaining, @Nullable Instant quotaResetAt,
            boolean saturated, List<GaugeView> gauges, int holderCount, List<HolderView> holders,
            Map<String, Long> counters, @Nullable RecentView recent) {

        static LimitDetail of(LimitState s, @Nullable LimitSampler.Rates rates) {
            LimitPolicy p = s.policy();
            return new LimitDetail(s.name(), Views.policy(p), s.readAt(), p.hasConcurrency() ? s.permitsInUse() : null,
                    p.hasConcurrency() ? p.permits() : null, p.hasRate() ? round(s.tokens()) : null,
                    p.hasRate() ? p.burst() : null, p.hasQuota() ? s.quotaUsed() : null,
                    p.hasQuota() ? s.quotaRemaining() : null, p.hasQuota() ? s.quotaResetAt() : null,
                    Views.saturated(s), GaugeView.of(s), s.holderCount(),
                    s.holders().stream().map(HolderView::of).toList(), s.counters(),
                    rates == null ? null : new RecentView(rates.grantsPerSecond(), rates.denialsPerSecond(),
                            rates.window().toMillis() / 1000.0));
        }
    }

    /**
     * One key of a keyed limit: its live state, or, when Redis holds none for it ({@code idle}), nothing in use under
     * the policy it is under.
     *
     * @param name the keyed limit
     * @param key the key, as given
     * @param policy the policy the key is under: its override, else its limit's
     * @param overridden whether the key has an override
     * @param idle true when the key has no state in Redis (nothing held or used: full capacity)
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyDetail(String name, String key, Map<String, Object> policy, boolean overridden, boolean idle,
            Instant readAt, @Nullable Long permitsInUse, @Nullable Integer permitsCap, @Nullable Double tokensAvailable,
            @Nullable Long burst, @Nullable Long quotaUsed, @Nullable Long quotaRemaining,
            @Nullable Instant quotaResetAt, boolean saturated, List<GaugeView> gauges, int holderCount,
            List<HolderView> holders, Map<String, Long> counters) {

        static KeyDetail of(String name, String key, LimitState s, boolean overridden, boolean idle) {
            LimitPolicy p = s.policy();
            return new KeyDetail(name, key, Views.policy(p), overridden, idle, s.readAt(),
                    p.hasConcurrency() ? s.permitsInUse() : null, p.hasConcurrency() ? p.permits() : null,
                    p.hasRate() ? round(s.tokens()) : null, p.hasRate() ? p.burst() : null,
                    p.hasQuota() ? s.quotaUsed() : null, p.hasQuota() ? s.quotaRemaining() : null,
                    p.hasQuota() ? s.quotaResetAt() : null, Views.saturated(s), GaugeView.of(s), s.holderCount(),
                    s.holders().stream().map(HolderView::of).toList(), s.counters());
        }
    }

    /** A key's override: the key and the policy it has in place of its limit's. */
    @Serdeable
    public record OverrideView(String key, Map<String, Object> policy) {
        static OverrideView of(String key, LimitPolicy policy) {
            return new OverrideView(key, Views.policy(policy));
        }
    }

    /**
     * A page of a keyed limit's overrides, in key order.
     *
     * @param overrides this page's
     * @param total how many overrides the limit has in all
     * @param next the cursor of the next page (its {@code after}); absent on the last page
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OverridePage(List<OverrideView> overrides, int total, @Nullable String next) {
        static OverridePage of(KeyOverrides.Page page) {
            return new OverridePage(page.overrides().stream().map(o -> OverrideView.of(o.key(), o.policy())).toList(),
                    page.total(), page.next().orElse(null));
        }
    }

    /** A live permit. */
    @Serdeable
    public record HolderView(String permitId, String owner, int weight, Instant acquiredAt, Instant leaseExpiresAt) {
        static HolderView of(Holder h) {
            return new HolderView(h.permitId(), h.owner(), h.weight(), h.acquiredAt(), h.leaseExpiresAt());
        }
    }

    /** Grants and denials per second over the last {@code windowSeconds}, from the server's samples. */
    @Serdeable
    public record RecentView(double grantsPerSecond, double denialsPerSecond, double windowSeconds) {
    }

    /**
     * One event of the dashboard stream ({@code GET /api/limits/stream}): every limit at one sampler tick.
     *
     * @param at when the server read Redis
     * @param redisUp false when that read failed; {@code limits} are then the last ones read
     * @param error why the read failed, when it did
     * @param limits every limit, by name
     * @param unreadable limits whose data cannot be read, by name
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamEvent(Instant at, boolean redisUp, @Nullable String error, List<LimitFrame> limits,
            List<UnreadableView> unreadable) {
    }

    /**
     * A limit whose data in Redis cannot be read (a stored policy that breaks the rules, a key of the wrong type):
     * left out of {@code limits}, which the others still fill.
     *
     * @param name the limit
     * @param error why, and how to repair it
     */
    @Serdeable
    public record UnreadableView(String name, String error) {
        static UnreadableView of(CorruptLimitException e) {
            return new UnreadableView(e.limit(), e.getMessage());
        }
    }

    /**
     * One limit in a stream event.
     *
     * @param summary policy and state summary; {@code summary.holders} is the total number of holders
     * @param readAt Redis time of the read (holders' ages and lease left are relative to it)
     * @param rates per-tick grants and denials per second: the last ~5 minutes in the first event, then the points
     *     since the previous event
     * @param holders up to 200 holders, oldest first; absent when this tick listed none (the stream just started)
     * @param counters cumulative counters: grants, denials, released, forced, expired, lost_renewals
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LimitFrame(LimitSummary summary, Instant readAt, List<RateView> rates,
            @Nullable List<HolderView> holders, Map<String, Long> counters) {
    }

    /** Grants and denials per second over one sampler tick, ending at {@code at} (Redis time, epoch ms). */
    @Serdeable
    public record RateView(long at, double grants, double denials) {
        static RateView of(LimitSampler.RatePoint p) {
            return new RateView(p.atMs(), Math.round(p.grantsPerSecond() * 100) / 100.0,
                    Math.round(p.denialsPerSecond() * 100) / 100.0);
        }
    }

    /** A client instance seen recently. */
    @Serdeable
    public record InstanceView(String id, String host, long pid, long permitsHeld, Instant startedAt,
            Instant lastSeen) {
        static InstanceView of(InstanceInfo i) {
            return new InstanceView(i.id(), i.host(), i.pid(), i.permitsHeld(), i.startedAt(), i.lastSeen());
        }
    }

    static boolean saturated(LimitState s) {
        LimitPolicy p = s.policy();
        boolean permitsFull = p.hasConcurrency() && s.permitsInUse() >= p.permits();
        boolean tokensEmpty = p.hasRate() && s.tokens() < 1;
        boolean quotaUsedUp = p.hasQuota() && s.quotaRemaining() < 1;
        return permitsFull || tokensEmpty || quotaUsedUp;
    }

    static double round(double tokens) {
        return Math.round(tokens * 1000) / 1000.0;
    }
}
