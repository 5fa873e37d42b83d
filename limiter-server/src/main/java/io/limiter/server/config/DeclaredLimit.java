package io.limiter.server.config;

import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.PolicyFields;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.core.annotation.Nullable;

/**
 * A limit declared in the configuration, applied at start and re-applied if it vanishes from Redis:
 *
 * <pre>
 * limiter:
 *   limits:
 *     payments:
 *       permits: 10
 *       lease: 30s
 *       rate: 100
 *       period: 1s
 *       burst: 20
 *       enforce: false   # true: overwrite a different policy found in Redis
 * </pre>
 */
@EachProperty("limiter.limits")
public class DeclaredLimit {
    private final String name;
    private String permits;
    private String lease;
    private String rate;
    private String period;
    private String burst;
    private String fair;
    private boolean enforce;

    public DeclaredLimit(@Parameter String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    /**
     * The declared policy.
     *
     * @throws ConfigurationException naming the setting, the rule and the value
     */
    public LimitPolicy policy() {
        try {
            return PolicyFields.parseText(permits, lease, rate, period, burst, fair);
        } catch (LimiterValidationException e) {
            throw new ConfigurationException("limiter.limits." + name + "." + e.getMessage());
        }
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

    public boolean isEnforce() {
        return enforce;
    }

    public void setEnforce(boolean enforce) {
        this.enforce = enforce;
    }
}
