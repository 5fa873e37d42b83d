package io.limiter.micronaut;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;

/**
 * {@code limiter.client.limits.<name>.*}: a limit this application declares. With policy fields it is defined at
 * start, create-if-absent (a different policy an operator stored is kept and logged), or overwritten when it differs
 * if {@code enforce: true}; either way the client defines it again if Redis loses it. {@code redis-down-policy} alone
 * (no policy fields) only sets what acquiring does while Redis is down.
 *
 * <pre>
 * limiter:
 *   client:
 *     limits:
 *       payments: { permits: 10, lease: 30s, rate: 100, period: 1s, burst: 20, redis-down-policy: fail-open }
 * </pre>
 */
@EachProperty(DeclaredLimitProperties.PREFIX)
public class DeclaredLimitProperties {
    /** The prefix of these properties. */
    public static final String PREFIX = LimiterClientProperties.PREFIX + ".limits";

    private final String name;
    private String permits;
    private String lease;
    private String rate;
    private String period;
    private String burst;
    private String fair;
    private String redisDownPolicy;
    private boolean enforce;

    public DeclaredLimitProperties(@Parameter String name) {
        this.name = name;
    }

    /** The limit's name (the key under {@code limits}). */
    public String getName() {
        return name;
    }

    @Nullable
    public String getPermits() {
        return permits;
    }

    public void setPermits(@Nullable String permits) {
        this.permits = permits;
    }

    @Nullable
    public String getLease() {
        return lease;
    }

    public void setLease(@Nullable String lease) {
        this.lease = lease;
    }

    @Nullable
    public String getRate() {
        return rate;
    }

    public void setRate(@Nullable String rate) {
        this.rate = rate;
    }

    @Nullable
    public String getPeriod() {
        return period;
    }

    public void setPeriod(@Nullable String period) {
        this.period = period;
    }

    @Nullable
    public String getBurst() {
        return burst;
    }

    public void setBurst(@Nullable String burst) {
        this.burst = burst;
    }

    @Nullable
    public String getFair() {
        return fair;
    }

    public void setFair(@Nullable String fair) {
        this.fair = fair;
    }

    /** {@code fail-closed}, {@code fail-open} or {@code local-fallback} for this limit. */
    @Nullable
    public String getRedisDownPolicy() {
        return redisDownPolicy;
    }

    public void setRedisDownPolicy(@Nullable String redisDownPolicy) {
        this.redisDownPolicy = redisDownPolicy;
    }

    /** True: overwrite a different policy found in Redis at start. Default false (create-if-absent). */
    public boolean isEnforce() {
        return enforce;
    }

    public void setEnforce(boolean enforce) {
        this.enforce = enforce;
    }
}
