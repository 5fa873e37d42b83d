package io.limiter.core;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What a limit allows: any combination of a concurrency part (at most {@link #permits()} permits in use at once
 * cluster-wide, each held under a renewable {@link #lease()}), a rate part (a token bucket of {@link #burst()}
 * tokens refilled at {@link #rate()} tokens per {@link #period()}) and a calendar quota ({@link #quota()} units per
 * {@link #window()} of the time zone {@link #zone()}, reset at the window's boundary). One acquire takes its weight
 * from every part atomically, or from none. The fields and their rules are listed once in {@link PolicySchema}.
 *
 * <p>Immutable and thread-safe. Built with {@link #builder()}; every setter checks its own field and
 * {@link Builder#build()} checks the combination, each throwing {@link InvalidPolicyException} whose message
 * names the field, the rule and the value (see {@link Rules}). Durations are kept to the millisecond.
 *
 * <pre>{@code
 * LimitPolicy policy = LimitPolicy.builder()
 *         .concurrency(10).lease(Duration.ofSeconds(30))
 *         .rate(100, Duration.ofSeconds(1)).burst(20)
 *         .build();
 * }</pre>
 */
public final class LimitPolicy {

    /** Lease used when a concurrency part is given without one. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** Window used when a quota is given without one. */
    public static final CalendarWindow DEFAULT_WINDOW = CalendarWindow.DAY;
    /** Time zone of a quota given without one. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("UTC");

    /** The limits every policy field is checked against, in one place so messages stay exact. */
    public static final class Rules {
        public static final int MAX_PERMITS = 1_000_000;
        public static final Duration MIN_LEASE = Duration.ofSeconds(1);
        public static final Duration MAX_LEASE = Duration.ofHours(24);
        public static final long MAX_RATE = 1_000_000_000L;
        public static final Duration MIN_PERIOD = Duration.ofMillis(1);
        public static final Duration MAX_PERIOD = Duration.ofHours(24);
        public static final long MAX_BURST = 1_000_000_000L;

        public static final String PERMITS = "be between 1 and " + MAX_PERMITS;
        public static final String LEASE = "be between " + MIN_LEASE + " and " + MAX_LEASE;
        public static final String LEASE_NEEDS_CONCURRENCY = "be set only together with concurrency (permits)";
        public static final String RATE = "be between 1 and " + MAX_RATE;
        public static final String PERIOD = "be between " + MIN_PERIOD + " and " + MAX_PERIOD;
        public static final String BURST = "be between 1 and " + MAX_BURST;
        public static final String BURST_NEEDS_RATE = "be set only together with rate";
        public static final long MAX_QUOTA = 1_000_000_000_000L;
        public static final String QUOTA = "be between 1 and " + MAX_QUOTA;
        public static final String WINDOW = "be one of minute, hour, day, week, month";
        public static final String WINDOW_NEEDS_QUOTA = "be set only together with quota";
        public static final String ZONE = "be a time zone ID such as UTC, Europe/Berlin or America/New_York";
        public static final String ZONE_NEEDS_QUOTA = "be set only together with quota";
        public static final String NOT_EMPTY = "have a concurrency part (permits), a rate part (rate) or a quota";

        private Rules() {
        }
    }

    private final int permits;
    private final Duration lease;
    private final long rate;
    private final Duration period;
    private final long burst;
    private final long quota;
    private final CalendarWindow window;
    private final ZoneId zone;
    private final boolean fair;
    private final boolean keyed;

    private LimitPolicy(Builder b) {
        this.permits = b.permits;
        this.lease = b.permits > 0 ? (b.lease != null ? b.lease : DEFAULT_LEASE) : null;
        this.rate = b.rate;
        this.period = b.rate > 0 ? b.period : null;
        this.burst = b.rate > 0 ? (b.burst != 0 ? b.burst : b.rate) : 0;
        this.quota = b.quota;
        this.window = b.quota > 0 ? (b.window != null ? b.window : DEFAULT_WINDOW) : null;
        this.zone = b.quota > 0 ? (b.zone != null ? b.zone : DEFAULT_ZONE) : null;
        this.fair = b.fair;
        this.keyed = b.keyed;
    }

    /** A new builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        if (hasConcurrency()) {
            b.concurrency(permits).lease(lease);
        }
        if (hasRate()) {
            b.rate(rate, period).burst(burst);
        }
        if (hasQuota()) {
            b.quota(quota, window).zone(zone);
        }
        return b.fair(fair).keyed(keyed);
    }

    /** True when this policy caps how many permits are in use at once. */
    public boolean hasConcurrency() {
        return permits > 0;
    }

    /** True when this policy has a token bucket. */
    public boolean hasRate() {
        return rate > 0;
    }

    /** True when this policy has a calendar quota. */
    public boolean hasQuota() {
        return quota > 0;
    }

    /** Units allowed per {@link #window()}; 0 when there is no quota. */
    public long quota() {
        return quota;
    }

    /** The calendar window of the quota; {@code null} when there is no quota. */
    public CalendarWindow window() {
        return window;
    }

    /** The time zone whose calendar the quota's windows follow (default UTC); {@code null} when there is no quota. */
    public ZoneId zone() {
        return zone;
    }

    /** Permits in use at once, cluster-wide; 0 when there is no concurrency part. */
    public int permits() {
        return permits;
    }

    /** How long a permit stays held without renewal; {@code null} when there is no concurrency part. */
    public Duration lease() {
        return lease;
    }

    /** Tokens added per {@link #period()}; 0 when there is no rate part. */
    public long rate() {
        return rate;
    }

    /** The refill period of {@link #rate()}; {@code null} when there is no rate part. */
    public Duration period() {
        return period;
    }

    /** Bucket capacity (the largest burst); 0 when there is no rate part. */
    public long burst() {
        return burst;
    }

    /**
     * True when waiters from every instance are served in arrival order (a ticket queue in Redis), and a release
     * wakes only the instance whose ticket is first. Default false: each instance's waiters are served in order,
     * and a release wakes one waiter per instance that has any.
     */
    public boolean fair() {
        return fair;
    }

    /**
     * True when the limit is a family of keys (a tenant, a user, an API key): each key gets this policy's caps of its
     * own, its state appears on first use and vanishes when idle, and the limit is only acquired through a key.
     */
    public boolean keyed() {
        return keyed;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LimitPolicy)) {
            return false;
        }
        LimitPolicy other = (LimitPolicy) o;
        return permits == other.permits && rate == other.rate && burst == other.burst && fair == other.fair
                && keyed == other.keyed
                && Objects.equals(lease, other.lease) && Objects.equals(period, other.period)
                && quota == other.quota && window == other.window && Objects.equals(zone, other.zone);
    }

    @Override
    public int hashCode() {
        return Objects.hash(permits, lease, rate, period, burst, fair, keyed, quota, window, zone);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("LimitPolicy{");
        if (hasConcurrency()) {
            s.append("permits=").append(permits).append(", lease=").append(lease);
        }
        if (hasRate()) {
            if (hasConcurrency()) {
                s.append(", ");
            }
            s.append("rate=").append(rate).append('/').append(period).append(", burst=").append(burst);
        }
        if (hasQuota()) {
            if (hasConcurrency() || hasRate()) {
                s.append(", ");
            }
            s.append("quota=").append(quota).append('/').append(window.id()).append(' ').append(zone.getId());
        }
        if (fair) {
            s.append(", fair");
        }
        if (keyed) {
            s.append(", keyed");
        }
        return s.append('}').toString();
    }

    /**
     * Collects policy fields. Not thread-safe; {@link #build()} copies the values, so a builder reused
     * afterwards never changes a built policy.
     */
    public static final class Builder {
        private int permits;
        private Duration lease;
        private long rate;
        private Duration period;
        private long burst;
        private long quota;
        private CalendarWindow window;
        private ZoneId zone;
        private boolean fair;
        private boolean keyed;

        private Builder() {
        }

        /**
         * Adds a calendar quota: at most {@code units} per {@code window} of the zone (default UTC, see
         * {@link #zone}), reset at the window's boundary on Redis time.
         *
         * @throws NullPointerException if {@code window} is null
         * @throws InvalidPolicyException unless {@code 1 <= units <= 10^12}
         */
        public Builder quota(long units, CalendarWindow window) {
            Objects.requireNonNull(window, "window");
            if (units < 1 || units > Rules.MAX_QUOTA) {
                throw new InvalidPolicyException("quota", units, Rules.QUOTA);
            }
            this.quota = units;
            this.window = window;
            return this;
        }

        /**
         * The time zone whose calendar the quota follows (default UTC): a day window resets at its local midnight.
         *
         * @throws NullPointerException if {@code zone} is null
         */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /** Serve waiters from every instance in arrival order (see {@link LimitPolicy#fair()}); default false. */
        public Builder fair(boolean fair) {
            this.fair = fair;
            return this;
        }

        /** Make the limit a family of keys, one cap per key (see {@link LimitPolicy#keyed()}); default false. */
        public Builder keyed(boolean keyed) {
            this.keyed = keyed;
            return this;
        }

        /**
         * Caps the permits in use at once, cluster-wide.
         *
         * @throws InvalidPolicyException unless {@code 1 <= permits <= 1000000}
         */
        public Builder concurrency(int permits) {
            if (permits < 1 || permits > Rules.MAX_PERMITS) {
                throw new InvalidPolicyException("permits", permits, Rules.PERMITS);
            }
            this.permits = permits;
            return this;
        }

        /**
         * How long a permit is held without renewal (default {@link #DEFAULT_LEASE}). Clients renew held
         * permits automatically; a crashed holder's permit comes back when its lease runs out.
         *
         * @throws NullPointerException if {@code lease} is null
         * @throws InvalidPolicyException unless between 1 s and 24 h
         */
        public Builder lease(Duration lease) {
            Objects.requireNonNull(lease, "lease");
            if (lease.compareTo(Rules.MIN_LEASE) < 0 || lease.compareTo(Rules.MAX_LEASE) > 0) {
                throw new InvalidPolicyException("lease", lease, Rules.LEASE);
            }
            this.lease = Duration.ofMillis(lease.toMillis());
            return this;
        }

        /**
         * Adds a token bucket refilled with {@code tokens} per {@code period}. Burst defaults to {@code tokens}.
         *
         * @throws NullPointerException if {@code period} is null
         * @throws InvalidPolicyException unless {@code 1 <= tokens <= 10^9} and period is between 1 ms and 24 h
         */
        public Builder rate(long tokens, Duration period) {
            Objects.requireNonNull(period, "period");
            if (tokens < 1 || tokens > Rules.MAX_RATE) {
                throw new InvalidPolicyException("rate", tokens, Rules.RATE);
            }
            if (period.compareTo(Rules.MIN_PERIOD) < 0 || period.compareTo(Rules.MAX_PERIOD) > 0) {
                throw new InvalidPolicyException("period", period, Rules.PERIOD);
            }
            this.rate = tokens;
            this.period = Duration.ofMillis(period.toMillis());
            return this;
        }

        /**
         * Bucket capacity: how many tokens can be taken at once after a quiet time.
         *
         * @throws InvalidPolicyException unless {@code 1 <= burst <= 10^9}
         */
        public Builder burst(long burst) {
            if (burst < 1 || burst > Rules.MAX_BURST) {
                throw new InvalidPolicyException("burst", burst, Rules.BURST);
            }
            this.burst = burst;
            return this;
        }

        /**
         * Checks the combination and returns the policy.
         *
         * @throws InvalidPolicyException if no part is set, a lease is set without concurrency, a burst without a
         *         rate, or a zone without a quota
         */
        public LimitPolicy build() {
            // The rule of a field that was given comes first: "--lease 30s" alone is told about the lease.
            if (lease != null && permits == 0) {
                throw new InvalidPolicyException("lease", lease, Rules.LEASE_NEEDS_CONCURRENCY);
            }
            if (burst != 0 && rate == 0) {
                throw new InvalidPolicyException("burst", burst, Rules.BURST_NEEDS_RATE);
            }
            if (zone != null && quota == 0) {
                throw new InvalidPolicyException("zone", zone.getId(), Rules.ZONE_NEEDS_QUOTA);
            }
            if (permits == 0 && rate == 0 && quota == 0) {
                throw new InvalidPolicyException("policy", "empty", Rules.NOT_EMPTY);
            }
            return new LimitPolicy(this);
        }
    }
}
